package dev.discovery.api;

/**
 * The kind of Kubernetes Service an {@link EndpointSet} came from, as far as the source can tell.
 *
 * @since 0.1
 */
public enum ServiceKind {
  /** One virtual IP; kube-proxy spreads connections, so calls cannot spread across pods here. */
  CLUSTER_IP,
  /** {@code clusterIP: None}: one endpoint per ready pod. */
  HEADLESS,
  /** A CNAME to a name outside the cluster; endpoints are that name's addresses. */
  EXTERNAL_NAME,
  /** Node addresses with the node port, for clients outside the cluster. */
  NODE_PORT,
  /** The load balancer's ingress addresses. */
  LOAD_BALANCER,
  /** A fixed list from a {@code static:} target. */
  STATIC,
  /** The source cannot tell (for example one DNS A record with no SRV or PTR to decide by). */
  UNKNOWN
}
