package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.grpc.internal.DiscoveryNameResolverProvider;
import dev.discovery.grpc.internal.PolicyRegistration;
import dev.discovery.grpc.internal.SharedDiscovery;
import io.grpc.Attributes;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hooks of discovery's gRPC integration. Nothing here is needed for the common case: with this
 * module on the class path, grpc finds the name resolvers and load-balancing policies itself.
 *
 * <h2>Which {@link Discovery} resolves a channel's target</h2>
 *
 * <ol>
 *   <li>The channel's own, if set with {@code ManagedChannelBuilder.setNameResolverArg(}{@link
 *       #DISCOVERY}{@code , discovery)} (for example one with the testkit's fake resolver, another
 *       namespace or cluster domain, or a fake clock).
 *   <li>Else that of the provider, for a provider made by {@link #nameResolverProvider(String,
 *       Discovery)} and registered in a {@link NameResolverRegistry}.
 *   <li>Else the process-wide {@link #sharedDiscovery()}.
 * </ol>
 *
 * <p>Channels (and Java API watches) on one {@code Discovery} that watch the same target share one
 * resolver.
 *
 * <h2>Policies</h2>
 *
 * {@code random} and {@code sticky} are registered by {@link java.util.ServiceLoader}. Every other
 * {@link dev.discovery.api.Policy} that discovery-api's {@link java.util.ServiceLoader} finds
 * becomes a policy of its name in {@link LoadBalancerRegistry#getDefaultRegistry()} when a channel
 * first uses a discovery target or a discovery policy, or when {@link
 * #registerPolicies(LoadBalancerRegistry)} is called; a name the registry already has is left to
 * its owner.
 *
 * @since 0.1
 */
public final class DiscoveryGrpc {
  private DiscoveryGrpc() {}

  /**
   * The {@link Discovery} a channel resolves its target with, instead of the shared one: {@code
   * builder.setNameResolverArg(DiscoveryGrpc.DISCOVERY, discovery)}. The channel does not close it.
   */
  public static final NameResolver.Args.Key<Discovery> DISCOVERY =
      NameResolver.Args.Key.create("dev.discovery.grpc.Discovery");

  /**
   * The {@link Endpoint} behind each {@link io.grpc.EquivalentAddressGroup} that discovery's name
   * resolvers report (readiness, zone, node, hostname). discovery's load balancers use it when
   * present and build a plain endpoint from the address otherwise, so they also work behind other
   * resolvers.
   */
  public static final Attributes.Key<Endpoint> ENDPOINT =
      Attributes.Key.create("dev.discovery.grpc.Endpoint");

  /**
   * The process-wide {@link Discovery} channels use by default: system clock, the default resolver
   * registry, the host's environment. Its threads are daemons named {@code discovery-*} that exit
   * when idle, so it is never closed: its {@link Discovery#close()} does nothing.
   */
  public static Discovery sharedDiscovery() {
    return SharedDiscovery.INSTANCE;
  }

  /**
   * A provider of {@code scheme} that resolves with {@code discovery}, to register in a {@link
   * NameResolverRegistry}. Its priority (5) wins over the provider {@link java.util.ServiceLoader}
   * registers for the scheme (4), while grpc's {@code dns} (5, registered first) stays the default
   * scheme of the default registry.
   *
   * @throws IllegalArgumentException if {@code discovery}'s registry has no provider of {@code
   *     scheme}
   */
  public static NameResolverProvider nameResolverProvider(String scheme, Discovery discovery) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(discovery, "discovery");
    List<String> installed = discovery.registry().schemes();
    if (!installed.contains(scheme)) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" has no resolver in "
              + discovery
              + " (expected one of: "
              + String.join(", ", installed)
              + ")");
    }
    return new DiscoveryNameResolverProvider(
        scheme, DiscoveryNameResolverProvider.CUSTOM_PRIORITY, discovery);
  }

  /**
   * Makes every scheme of {@code discovery}'s resolver registry a channel target scheme of {@code
   * registry}, resolved with {@code discovery}, except those {@code registry} already serves: the
   * way to use a scheme of your own ({@code ResolverProvider}) or the testkit's {@code fake} in a
   * channel target. ({@code k8s}, {@code k8s+dns}, {@code k8s+api} and {@code static} need no call:
   * grpc's {@link java.util.ServiceLoader} finds them.) Idempotent.
   *
   * @return the schemes registered by this call
   */
  public static List<String> registerSchemes(NameResolverRegistry registry, Discovery discovery) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(discovery, "discovery");
    List<String> added = new ArrayList<>();
    synchronized (DiscoveryGrpc.class) {
      for (String scheme : discovery.registry().schemes()) {
        if (registry.getProviderForScheme(scheme) == null) {
          registry.register(nameResolverProvider(scheme, discovery));
          added.add(scheme);
        }
      }
    }
    return added;
  }

  /**
   * {@link #registerSchemes(NameResolverRegistry, Discovery)} of {@link
   * NameResolverRegistry#getDefaultRegistry()} with {@link #sharedDiscovery()}: every scheme that
   * discovery-api's {@link java.util.ServiceLoader} finds becomes a channel target scheme.
   */
  public static List<String> registerSchemes() {
    return registerSchemes(NameResolverRegistry.getDefaultRegistry(), sharedDiscovery());
  }

  /**
   * Registers in {@code registry} a policy for every {@link dev.discovery.api.Policy} found (see
   * {@link dev.discovery.api.Policies#names()}) whose name {@code registry} does not have yet.
   * Idempotent.
   *
   * @return the names registered by this call
   */
  public static List<String> registerPolicies(LoadBalancerRegistry registry) {
    return PolicyRegistration.register(Objects.requireNonNull(registry, "registry"));
  }
}
