package dev.discovery.grpc.internal;

import dev.discovery.api.Target;

/** The {@code k8s+dns} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sDnsNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sDnsNameResolverProvider() {
    super(Target.K8S_DNS);
  }
}
