package dev.discovery.grpc.internal;

import dev.discovery.api.Target;

/**
 * The {@code fake} channel target scheme, found by {@link java.util.ServiceLoader}.
 *
 * <p>A {@code fake} target resolves only on a {@link dev.discovery.api.Discovery} that has the
 * testkit's fake resolver: pass one with {@link dev.discovery.grpc.DiscoveryGrpc#DISCOVERY}.
 */
public final class FakeNameResolverProvider extends DiscoveryNameResolverProvider {
  public FakeNameResolverProvider() {
    super(Target.FAKE);
  }
}
