package dev.discovery.grpc.internal;

import dev.discovery.api.Balancers;
import dev.discovery.api.PickerFactory;
import io.grpc.LoadBalancerRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every {@link PickerFactory} discovery-api finds a gRPC policy of its name.
 *
 * <p>The default registry cannot be filled from a provider's constructor ({@link
 * LoadBalancerRegistry#getDefaultRegistry()} instantiates the providers before it exists), so it is
 * filled on the first use of a discovery target or policy: before the channel looks up a policy by
 * name.
 */
public final class PolicyRegistration {
  private static final Logger log = LoggerFactory.getLogger(PolicyRegistration.class);
  private static volatile boolean defaultRegistered;

  private PolicyRegistration() {}

  /** Registers the policies in the default registry, once per process. */
  public static void registerInDefaultRegistry() {
    if (!defaultRegistered) {
      register(LoadBalancerRegistry.getDefaultRegistry());
    }
  }

  /** Registers in {@code registry} each policy whose name it does not have; returns those names. */
  public static synchronized List<String> register(LoadBalancerRegistry registry) {
    if (registry == LoadBalancerRegistry.getDefaultRegistry()) {
      defaultRegistered = true;
    }
    List<String> added = new ArrayList<>();
    for (String name : Balancers.names()) {
      if (registry.getProvider(name) != null) {
        if (!name.equals("random") && !name.equals("sticky")) {
          log.debug("gRPC policy {} exists already; discovery's {} is not registered", name, name);
        }
        continue;
      }
      registry.register(new PickerFactoryLoadBalancerProvider(Balancers.byName(name)));
      added.add(name);
    }
    return added;
  }
}
