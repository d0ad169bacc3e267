package dev.discovery.grpc.internal;

import dev.discovery.api.Target;

/** The {@code static} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class StaticNameResolverProvider extends DiscoveryNameResolverProvider {
  public StaticNameResolverProvider() {
    super(Target.STATIC);
  }
}
