package dev.discovery.grpc.internal;

/** The {@code static} channel target scheme, found by {@link java.util.ServiceLoader}. */
public final class StaticNameResolverProvider extends DiscoveryNameResolverProvider {
  public StaticNameResolverProvider() {
    super("static");
  }
}
