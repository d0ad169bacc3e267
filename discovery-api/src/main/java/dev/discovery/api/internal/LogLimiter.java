package dev.discovery.api.internal;

import dev.discovery.spi.PolicyContext;
import java.time.Duration;

/**
 * Lets one log line through per interval and counts the ones held back, so that a failure that
 * repeats logs at most once a minute at WARN (the rest go to DEBUG). Thread-safe.
 */
final class LogLimiter {
  /** The interval of the SDK's rate-limited lines. */
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final PolicyContext.Ticker ticker;
  private final long intervalNanos;
  private boolean started; // guarded by this
  private long lastNanos; // guarded by this
  private int suppressed; // guarded by this

  LogLimiter(PolicyContext.Ticker ticker, Duration interval) {
    this.ticker = ticker;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Whether a line may be logged now: then the number of lines held back since the last one (0 or
   * more); else -1, and the line is counted as held back.
   */
  synchronized int tryAcquire() {
    long now = ticker.nanos();
    if (!started || now - lastNanos >= intervalNanos) {
      started = true;
      lastNanos = now;
      int held = suppressed;
      suppressed = 0;
      return held;
    }
    suppressed++;
    return -1;
  }
}
