package dev.discovery.grpc.internal;

import dev.discovery.api.Policies;

/**
 * The {@code random} policy, found by {@link java.util.ServiceLoader}: uniform random choice among
 * the READY endpoints. No options.
 */
public final class RandomLoadBalancerProvider extends PolicyLoadBalancerProvider {
  public RandomLoadBalancerProvider() {
    super(Policies.random());
  }
}
