package dev.discovery.api;

import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver provider the test drives by hand (the testkit has the full-featured FakeResolver; it
 * cannot be used here without a dependency cycle).
 */
final class ScriptedProvider implements ResolverProvider {
  private final String scheme;
  final List<Scripted> resolvers = new ArrayList<>();

  ScriptedProvider(String scheme) {
    this.scheme = scheme;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public synchronized Resolver newResolver(Target target, ResolverContext context) {
    Scripted r = new Scripted(target, context);
    resolvers.add(r);
    return r;
  }

  /** A discovery that runs entirely on {@code scheduler} and its clock, with no host facts. */
  static Discovery discovery(
      dev.discovery.testkit.clock.FakeScheduler scheduler, ResolverRegistry registry) {
    return Discovery.builder()
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .blockingExecutor(scheduler)
        .environment(Environment.empty())
        .registry(registry)
        .build();
  }

  /** Every resolver created so far. */
  synchronized List<Scripted> all() {
    return List.copyOf(resolvers);
  }

  synchronized Scripted only() {
    if (resolvers.size() != 1) {
      throw new AssertionError("resolvers: " + resolvers.size() + " (expected: 1)");
    }
    return resolvers.get(0);
  }

  static final class Scripted implements Resolver {
    final Target target;
    final ResolverContext context;
    volatile Listener listener;
    final AtomicInteger refreshes = new AtomicInteger();
    volatile boolean closed;

    Scripted(Target target, ResolverContext context) {
      this.target = target;
      this.context = context;
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void refresh() {
      refreshes.incrementAndGet();
    }

    @Override
    public void close() {
      closed = true;
    }

    void publish(Endpoint... endpoints) {
      publish(
          EndpointSet.builder(ServiceKind.HEADLESS, Source.of("scripted"))
              .addAll(List.of(endpoints))
              .resolvedAt(context.clock().instant())
              .build());
    }

    void publish(EndpointSet set) {
      listener.onResult(new ResolutionResult.Resolved(set));
    }

    void fail(ResolutionError error) {
      listener.onResult(new ResolutionResult.Failed(error));
    }
  }
}
