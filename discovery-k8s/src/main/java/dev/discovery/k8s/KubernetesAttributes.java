package dev.discovery.k8s;

/**
 * The attribute keys the Kubernetes API source sets: on the snapshot ({@link
 * dev.discovery.api.EndpointSet#attributes()}), facts about the Service for policies; on each
 * endpoint ({@link dev.discovery.api.Endpoint#attributes()}), its pod and topology hints. The DNS
 * source sets none of these. Values are the API's own spelling.
 *
 * @since 0.1
 */
public final class KubernetesAttributes {
  private KubernetesAttributes() {}

  /** Snapshot: the Service's {@code spec.type}: ClusterIP, NodePort, LoadBalancer. */
  public static final String TYPE = "k8s.type";

  /** Snapshot: {@code spec.sessionAffinity}, {@code None} or {@code ClientIP}; always set. */
  public static final String SESSION_AFFINITY = "k8s.sessionAffinity";

  /**
   * Snapshot, with {@code ClientIP} affinity only: the affinity timeout in seconds ({@code
   * sessionAffinityConfig.clientIP.timeoutSeconds}, default 10800).
   */
  public static final String SESSION_AFFINITY_TIMEOUT_SECONDS =
      "k8s.sessionAffinity.timeoutSeconds";

  /** Snapshot, when set: {@code spec.trafficDistribution}, such as {@code PreferSameZone}. */
  public static final String TRAFFIC_DISTRIBUTION = "k8s.trafficDistribution";

  /**
   * Snapshot: {@code spec.internalTrafficPolicy}, {@code Cluster} (the default) or {@code Local}.
   */
  public static final String INTERNAL_TRAFFIC_POLICY = "k8s.internalTrafficPolicy";

  /** Snapshot, when set: {@code spec.externalTrafficPolicy}, {@code Cluster} or {@code Local}. */
  public static final String EXTERNAL_TRAFFIC_POLICY = "k8s.externalTrafficPolicy";

  /** Snapshot: {@code spec.publishNotReadyAddresses}, {@code true} or {@code false}; always set. */
  public static final String PUBLISH_NOT_READY_ADDRESSES = "k8s.publishNotReadyAddresses";

  /**
   * Snapshot, when set: the chosen Service port's {@code appProtocol}, such as {@code
   * kubernetes.io/h2c}.
   */
  public static final String APP_PROTOCOL = "k8s.appProtocol";

  /**
   * Snapshot, in the {@code loadBalancer} access mode: the ingress host names, comma-separated and
   * sorted (an endpoint needs an IP, so these are not endpoints).
   */
  public static final String LOAD_BALANCER_HOSTNAMES = "k8s.loadBalancer.hostnames";

  /** Endpoint: the pod's name ({@code targetRef.name}). */
  public static final String POD = "pod";

  /** Endpoint: the zones of {@code hints.forZones}, comma-separated and sorted. */
  public static final String HINTS_FOR_ZONES = "hints.forZones";

  /** Endpoint: the nodes of {@code hints.forNodes}, comma-separated and sorted. */
  public static final String HINTS_FOR_NODES = "hints.forNodes";
}
