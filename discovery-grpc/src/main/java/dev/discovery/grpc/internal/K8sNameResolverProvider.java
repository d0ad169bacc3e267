package dev.discovery.grpc.internal;

import dev.discovery.api.Target;

/** The {@code k8s} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sNameResolverProvider() {
    super(Target.K8S);
  }
}
