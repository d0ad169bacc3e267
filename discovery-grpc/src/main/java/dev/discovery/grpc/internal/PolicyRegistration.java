package dev.discovery.grpc.internal;

import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every {@link Policy} discovery-api finds a gRPC policy of its name.
 *
 * <p>The default registry cannot be filled from a load-balancer provider's constructor ({@link
 * LoadBalancerRegistry#getDefaultRegistry()} instantiates the providers before it exists), so it is
 * filled when discovery's name resolver providers are made (grpc makes them when a channel builder
 * first asks for its name resolver registry, before the channel looks up its default policy), and
 * again when a channel resolves a discovery target or uses a discovery policy.
 */
public final class PolicyRegistration {
  private static final Logger log = LoggerFactory.getLogger(PolicyRegistration.class);

  private PolicyRegistration() {}

  /**
   * Registers the policies the default registry lacks. Cheap (a look-up per policy name), and
   * called only when a name resolver provider is made, a discovery target resolved or a discovery
   * policy used.
   */
  public static void registerInDefaultRegistry() {
    register(LoadBalancerRegistry.getDefaultRegistry());
  }

  /** Registers in {@code registry} each policy whose name it does not have; returns those names. */
  public static synchronized List<String> register(LoadBalancerRegistry registry) {
    List<String> added = new ArrayList<>();
    for (String name : Policies.names()) {
      LoadBalancerProvider existing = registry.getProvider(name);
      if (existing == null) {
        registry.register(new PolicyLoadBalancerProvider(Policies.byName(name)));
        added.add(name);
      } else if (!(existing instanceof PolicyLoadBalancerProvider)) {
        log.debug(
            "gRPC policy {} is {}; discovery's policy of that name is not registered",
            name,
            existing.getClass().getName());
      }
    }
    return added;
  }
}
