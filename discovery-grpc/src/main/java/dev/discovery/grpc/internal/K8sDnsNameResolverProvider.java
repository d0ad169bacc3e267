package dev.discovery.grpc.internal;

/** The {@code k8s+dns} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sDnsNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sDnsNameResolverProvider() {
    super("k8s+dns");
  }
}
