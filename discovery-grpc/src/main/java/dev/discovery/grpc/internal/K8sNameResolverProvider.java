package dev.discovery.grpc.internal;

/** The {@code k8s} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sNameResolverProvider() {
    super("k8s");
  }
}
