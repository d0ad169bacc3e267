package dev.discovery.grpc.internal;

import dev.discovery.api.Policies;

/**
 * The {@code sticky} policy, found by {@link java.util.ServiceLoader}: consistent hashing of a
 * request header's value over the eligible endpoints; see {@link dev.discovery.grpc.StickyConfig}.
 */
public final class StickyLoadBalancerProvider extends PolicyLoadBalancerProvider {
  public StickyLoadBalancerProvider() {
    super(Policies.sticky());
  }
}
