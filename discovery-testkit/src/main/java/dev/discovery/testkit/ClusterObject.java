package dev.discovery.testkit;

/**
 * An object a {@link FakeCluster} holds: a {@link Namespace}, {@link Node}, {@link Pod}, {@link
 * Service} or {@link EndpointSlice}. All are immutable records.
 *
 * @since 0.1
 */
public sealed interface ClusterObject permits Namespace, Node, Pod, Service, EndpointSlice {

  /** The Kubernetes kind: {@code Pod}, {@code Service}, ... */
  default String kind() {
    return getClass().getSimpleName();
  }

  /** The namespace, or {@code null} for cluster-scoped objects (namespaces and nodes). */
  String namespace();

  /** The object's name. */
  String name();

  /** {@code namespace/name}, or the name of a cluster-scoped object. */
  default String id() {
    return namespace() == null ? name() : namespace() + "/" + name();
  }
}
