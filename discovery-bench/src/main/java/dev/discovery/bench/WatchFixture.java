package dev.discovery.bench;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Policy;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Source;
import dev.discovery.api.Target;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real {@link ServiceWatch} over a resolver the benchmark feeds: the path a resolver's answer
 * takes to the balancers (compare with the last snapshot, publish, rebuild each balancer's picker).
 * The watch runs on a {@link FakeScheduler}, which runs tasks inline, so {@link
 * #publish(EndpointSet)} returns once every balancer has swapped in its new picker.
 */
public final class WatchFixture implements AutoCloseable {
  /** The target watched (scheme {@code fake}, as the testkit's resolver uses). */
  public static final String TARGET = "fake:///web.bench:http";

  private final Discovery discovery;
  private final ServiceWatch watch;
  private Resolver.Listener listener;

  private WatchFixture(EndpointSet first, UnaryOperator<Discovery.Builder> settings) {
    ResolverProvider provider =
        new ResolverProvider() {
          @Override
          public String scheme() {
            return "fake";
          }

          @Override
          public Resolver newResolver(Target target, ResolverContext context) {
            return new Resolver() {
              @Override
              public void start(Listener l) {
                listener = l;
              }

              @Override
              public void refresh() {}

              @Override
              public void close() {}
            };
          }
        };
    FakeScheduler scheduler = FakeScheduler.create();
    this.discovery =
        settings
            .apply(
                Discovery.builder()
                    .scheduler(scheduler)
                    .blockingExecutor(scheduler)
                    .clock(scheduler.clock())
                    .registry(ResolverRegistry.of(provider)))
            .build();
    this.watch = discovery.watch(TARGET);
    if (listener == null) {
      throw new IllegalStateException("the watch did not start its resolver inline");
    }
    publish(first);
  }

  /** A watch whose first snapshot holds {@code endpoints}. */
  public static WatchFixture of(List<Endpoint> endpoints) {
    return of(endpoints, UnaryOperator.identity());
  }

  /** A watch whose first snapshot holds {@code endpoints}, its discovery with {@code settings}. */
  public static WatchFixture of(
      List<Endpoint> endpoints, UnaryOperator<Discovery.Builder> settings) {
    return new WatchFixture(snapshot(endpoints), settings);
  }

  /** The discovery the watch belongs to. */
  public Discovery discovery() {
    return discovery;
  }

  /** A headless-Service snapshot of {@code endpoints}, as a DNS resolver would report it. */
  public static EndpointSet snapshot(List<Endpoint> endpoints) {
    return EndpointSet.builder(ServiceKind.HEADLESS, Source.of("dns")).addAll(endpoints).build();
  }

  /** Reports {@code set} as the resolver's answer; returns when every balancer has it. */
  public void publish(EndpointSet set) {
    listener.onResult(new ResolutionResult.Resolved(set));
  }

  public ServiceWatch watch() {
    return watch;
  }

  public Balancer balancer(Policy factory) {
    return watch.balancer(factory);
  }

  @Override
  public void close() {
    watch.close();
    discovery.close();
  }
}
