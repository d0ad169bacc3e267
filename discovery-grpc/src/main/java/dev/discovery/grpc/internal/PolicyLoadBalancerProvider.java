package dev.discovery.grpc.internal;

import dev.discovery.api.Policy;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;
import java.util.Objects;

/**
 * A gRPC load-balancing policy for a discovery {@link Policy}, of the factory's name: every policy
 * is the one {@link DiscoveryLoadBalancer} with a different picker.
 *
 * <p>A bad configuration is an {@code INVALID_ARGUMENT} status naming the policy, the option and
 * what was expected (see {@link PolicyConfig} for the options).
 */
public class PolicyLoadBalancerProvider extends LoadBalancerProvider {
  private final Policy factory;

  public PolicyLoadBalancerProvider(Policy factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return 5;
  }

  @Override
  public String getPolicyName() {
    return factory.name();
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    PolicyRegistration.registerInDefaultRegistry();
    return new DiscoveryLoadBalancer(helper, PolicyConfig.unconfigured(factory));
  }

  @Override
  public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    PolicyRegistration.registerInDefaultRegistry();
    try {
      return ConfigOrError.fromConfig(PolicyConfig.parse(factory, rawConfig));
    } catch (IllegalArgumentException e) {
      return ConfigOrError.fromError(
          Status.INVALID_ARGUMENT.withDescription(
              "loadBalancingConfig of policy " + factory.name() + ": " + e.getMessage()));
    }
  }
}
