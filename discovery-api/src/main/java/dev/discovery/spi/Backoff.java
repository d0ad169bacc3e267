package dev.discovery.spi;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;

/**
 * How a resolver waits between attempts after failures: exponential with random jitter, capped
 * (resilience4j's {@code IntervalFunction.ofExponentialRandomBackoff}). The n-th wait (n from 1) is
 * {@code min(max, initial x multiplier^(n-1))}, randomized by +/- {@code randomization}.
 *
 * @param initial the first wait, more than 0
 * @param multiplier growth per failure, at least 1
 * @param randomization jitter as a fraction of the wait, 0 to 1 (exclusive)
 * @param max the longest wait, at least {@code initial}
 * @since 0.1
 */
public record Backoff(Duration initial, double multiplier, double randomization, Duration max) {

  /** 1 s, doubling, +/- 50 %, at most 30 s. */
  public static Backoff defaults() {
    return new Backoff(Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(30));
  }

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
    }
    if (!(randomization >= 0 && randomization < 1)) {
      throw new IllegalArgumentException(
          "randomization: " + randomization + " (expected: 0 <= randomization < 1)");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
    }
  }

  /**
   * The wait before attempt {@code failures + 1}, after {@code failures} (>= 1) failures in a row.
   */
  public Duration delayAfter(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: " + failures + " (expected: >= 1)");
    }
    return Duration.ofMillis(intervalFunction().apply(failures));
  }

  /** The longest wait this backoff can produce, jitter included. */
  public Duration longest() {
    return Duration.ofMillis((long) Math.ceil(max.toMillis() * (1 + randomization)));
  }

  private IntervalFunction intervalFunction() {
    return randomization == 0
        ? IntervalFunction.ofExponentialBackoff(initial, multiplier, max)
        : IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, randomization, max);
  }
}
