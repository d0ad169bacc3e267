package dev.discovery.grpc.internal;

/** The {@code k8s+api} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sApiNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sApiNameResolverProvider() {
    super("k8s+api");
  }
}
