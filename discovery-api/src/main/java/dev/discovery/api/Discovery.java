package dev.discovery.api;

import dev.discovery.api.internal.DefaultDiscovery;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The entry point: turns targets into live {@link ServiceWatch}es.
 *
 * <pre>{@code
 * try (Discovery discovery = Discovery.create();
 *     ServiceWatch web = discovery.watch("k8s:///web.shop:http")) {
 *   Balancer random = web.balancer(Policies.random());
 *   Endpoint e = random.pick();
 * }
 * }</pre>
 *
 * <p>Watches of the same target share one resolver. Threads the SDK starts are daemons named {@code
 * discovery-*} and exit when idle; {@link #close()} stops every watch and those threads.
 * Thread-safe.
 *
 * @since 0.1
 */
public interface Discovery extends AutoCloseable {

  /** A discovery with the defaults: system clock, own threads, the default registry, the host. */
  static Discovery create() {
    return builder().build();
  }

  /** A builder to inject time, threads, providers and the environment. */
  static Builder builder() {
    return new DefaultDiscovery.DefaultBuilder();
  }

  /**
   * A live watch of {@code target}, parsed by the provider of its scheme in {@link #registry()}.
   *
   * @throws IllegalArgumentException if the target is malformed (the message says what and what was
   *     expected)
   */
  ServiceWatch watch(String target);

  /**
   * A live watch of {@code target}. A scheme with no installed provider does not throw: the watch
   * reports a {@link ResolutionError.Kind#MISCONFIGURED} error naming the installed schemes.
   */
  ServiceWatch watch(Target target);

  /** The registry resolvers come from. */
  ResolverRegistry registry();

  /**
   * The observer that tells every observer of this discovery: hosts that run policies outside a
   * watch (the gRPC load balancer) report the policies' events through it.
   */
  DiscoveryObserver observer();

  /**
   * Closes every watch, then stops the threads this discovery started. When it returns, every
   * resolver is closed and every pending {@link ServiceWatch#first()} has failed saying the
   * discovery was closed (called from a listener, that listener's watch closes right after it
   * returns). Idempotent.
   */
  @Override
  void close();

  /** Builds a {@link Discovery}. Every setting is optional. */
  interface Builder {
    /** The clock (default: the system UTC clock). */
    Builder clock(Clock clock);

    /**
     * Nanoseconds for the latencies and windows of policies that use call feedback (default: {@code
     * System::nanoTime}); a test passes the fake clock's.
     */
    Builder ticker(PolicyContext.Ticker ticker);

    /**
     * Timers and the watches' serialized contexts run here (default: one daemon thread of the
     * SDK's, {@code discovery-scheduler}). A scheduler passed in is not shut down by {@link
     * Discovery#close()}.
     */
    Builder scheduler(ScheduledExecutorService scheduler);

    /** Blocking work runs here (default: up to four daemon threads, {@code discovery-blocking}). */
    Builder blockingExecutor(Executor executor);

    /** Where resolvers come from (default: {@link ResolverRegistry#defaultRegistry()}). */
    Builder registry(ResolverRegistry registry);

    /** Adds {@code provider} to the registry, ahead of those of its scheme at equal priority. */
    Builder provider(ResolverProvider provider);

    /** The host facts (default: {@link Environment#system()}). */
    Builder environment(Environment environment);

    Discovery build();
  }
}
