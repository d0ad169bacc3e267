package dev.discovery.bench.api;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Our own sources as a user runs them: a {@link Discovery} with its real clock and {@code
 * discovery-*} threads, one {@link ServiceWatch} of the Service's named port, optionally a sticky
 * {@link Balancer} on it, and a listener subscribed after the balancer (listeners are told in
 * order, so when ours runs the balancer already picks from the new snapshot).
 */
public final class SourcePeer implements Peer {
  private final String name;
  private final Function<Rig, ResolverProvider> provider;
  private final Function<Rig, String> scheme;
  private final boolean sticky;
  private Discovery discovery;
  private ServiceWatch watch;
  private Balancer balancer;

  private SourcePeer(
      String name,
      Function<Rig, ResolverProvider> provider,
      Function<Rig, String> scheme,
      boolean sticky) {
    this.name = name;
    this.provider = provider;
    this.scheme = scheme;
    this.sticky = sticky;
  }

  /** The {@code k8s+api} source, connected by the API server's kubeconfig (HTTPS, token). */
  public static Factory api(boolean sticky) {
    String name = sticky ? "api+sticky" : "api";
    return factory(
        name,
        () ->
            new SourcePeer(
                name,
                rig -> ApiResolverProvider.builder().kubeconfig(rig.api().kubeconfig()).build(),
                rig -> "k8s+api://",
                sticky));
  }

  /** The {@code k8s+dns} source asking the rig's DNS server (TTL 1 s, default refresh bounds). */
  public static Factory dns() {
    return factory(
        "dns",
        () ->
            new SourcePeer(
                "dns",
                rig -> DnsResolverProvider.builder().build(),
                rig -> "k8s+dns://127.0.0.1:" + rig.dns().port(),
                false));
  }

  private static Factory factory(String name, java.util.function.Supplier<Peer> create) {
    return new Factory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Peer create() {
        return create.get();
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(Rig rig, String namespace, String service, Tracker tracker) {
    discovery =
        Discovery.builder()
            .registry(ResolverRegistry.of(provider.apply(rig)))
            .environment(Environment.of(Map.of(), Map.of()))
            .build();
    watch = discovery.watch(scheme.apply(rig) + "/" + service + "." + namespace + ":http");
    if (sticky) {
      balancer = watch.balancer(Policies.sticky());
    }
    watch.subscribe(
        event -> {
          if (event instanceof WatchEvent.Changed c) {
            tracker.deliver(c.current().readyCount());
          } else if (event instanceof WatchEvent.Failed f) {
            tracker.error(f.error().toString());
          }
        });
  }

  /** The watch, once started. */
  public Optional<ServiceWatch> watch() {
    return Optional.ofNullable(watch);
  }

  @Override
  public void close() {
    if (balancer != null) {
      balancer.close();
    }
    if (watch != null) {
      watch.close();
    }
    if (discovery != null) {
      discovery.close();
    }
  }
}
