package dev.discovery.grpc.internal;

import dev.discovery.api.Target;

/** The {@code k8s+api} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class K8sApiNameResolverProvider extends DiscoveryNameResolverProvider {
  public K8sApiNameResolverProvider() {
    super(Target.K8S_API);
  }
}
