package dev.discovery.grpc.internal;

import dev.discovery.api.Balancers;

/**
 * The {@code random} policy, found by {@link java.util.ServiceLoader}: uniform random choice among
 * the READY endpoints. No options.
 */
public final class RandomLoadBalancerProvider extends PickerFactoryLoadBalancerProvider {
  public RandomLoadBalancerProvider() {
    super(Balancers.random());
  }
}
