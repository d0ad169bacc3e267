package dev.discovery.spi;

import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link Resolver} may use: time, timers, an executor for blocking work, its serialized
 * context, the host environment and the settings of the {@link Discovery} that made it. Everything
 * is injected, so tests drive it with fakes.
 *
 * @since 0.1
 */
public interface ResolverContext {

  /** The clock to read time from (never {@code System.currentTimeMillis()}). */
  Clock clock();

  /** Timers. Tasks must be short and must not block. Shared: never shut it down. */
  ScheduledExecutorService scheduler();

  /** For blocking work such as file reads. Shared: never shut it down. */
  Executor blockingExecutor();

  /**
   * This resolver's serialized context: tasks run one at a time, in submission order. The SDK calls
   * the resolver from here; a resolver hops back here after asynchronous work.
   */
  Executor syncContext();

  /** The host environment (variables, service-account files, resolv.conf). */
  Environment environment();

  /** The registry this resolver was found in (for resolvers that delegate to another scheme). */
  ResolverRegistry registry();

  /**
   * Tells the discovery's observers of something the source did on its own, such as {@code
   * reconnect} or {@code relist} ({@link dev.discovery.api.DiscoveryEvent.SourceActivity}). Any
   * thread; quick. The default ignores it.
   *
   * @param source the source's name, such as {@code api}
   * @param activity a short lowercase word from a small fixed set (it becomes a metric tag)
   */
  default void activity(String source, String activity) {}
}
