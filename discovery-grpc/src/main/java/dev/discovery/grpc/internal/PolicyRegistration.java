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
 * <p>The default registry cannot be filled from a provider's constructor ({@link
 * LoadBalancerRegistry#getDefaultRegistry()} instantiates the providers before it exists), so it is
 * filled on the first use of a discovery target or policy: before the channel looks up a policy by
 * name.
 */
public final class PolicyRegistration {
  private static final Logger log = LoggerFactory.getLogger(PolicyRegistration.class);

  private PolicyRegistration() {}

  /**
   * Registers the policies the default registry lacks. Cheap (a look-up per policy name), and
   * called only when a channel is built or a balancer created.
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
