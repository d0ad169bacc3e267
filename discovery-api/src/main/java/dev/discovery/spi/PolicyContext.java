package dev.discovery.spi;

import dev.discovery.api.DiscoveryObserver;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link PolicyInstance} may use, given by its host (a {@link dev.discovery.api.Balancer}, a
 * gRPC channel's load balancer).
 *
 * @param clock the clock to read time from (never {@code System.currentTimeMillis()})
 * @param ticker nanoseconds for latencies and windows, of the same time base as the host's call
 *     feedback ({@code System::nanoTime} unless a test injects its own)
 * @param target the target whose endpoints are picked, as written
 * @param scheduler timers, such as an ejection's end; tasks must be short and must not block;
 *     shared, never shut it down
 * @param refresh asks the host to build a new picker over the last candidates soon, on its
 *     serialized context (for a policy whose state changed between snapshots: an endpoint ejected
 *     or returned); safe to call from any thread, coalesced
 * @param observer where the policy reports what an operator wants to see (ejections and returns)
 * @since 0.1
 */
public record PolicyContext(
    Clock clock,
    Ticker ticker,
    String target,
    ScheduledExecutorService scheduler,
    Runnable refresh,
    DiscoveryObserver observer) {
  public PolicyContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(refresh, "refresh");
    Objects.requireNonNull(observer, "observer");
  }

  /** A source of nanoseconds, injected like the clock. */
  @FunctionalInterface
  public interface Ticker {
    /** The system's: {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanos();
  }
}
