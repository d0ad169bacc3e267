package dev.discovery.testkit;

/**
 * A Service's {@code spec.type}. A headless Service is a {@link #CLUSTER_IP} Service with {@code
 * clusterIP: None} ({@link Service#headless()}).
 *
 * @since 0.1
 */
public enum ServiceType {
  /** A virtual IP inside the cluster (the default), or none for a headless Service. */
  CLUSTER_IP("ClusterIP"),
  /** A ClusterIP plus a port on every node (30000-32767 unless configured otherwise). */
  NODE_PORT("NodePort"),
  /** A NodePort plus a load balancer's ingress IP or hostname. */
  LOAD_BALANCER("LoadBalancer"),
  /** A DNS alias (CNAME) of a name outside the cluster; no proxying, no endpoints. */
  EXTERNAL_NAME("ExternalName");

  private final String kubernetesName;

  ServiceType(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** {@code ClusterIP}, {@code NodePort}, ... as the Kubernetes API writes it. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
