package dev.discovery.spi;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a resolver waits between attempts after failures: exponential, capped, with jitter drawn from
 * a random source the caller injects (so tests assert exact delays, as with grpc-java's {@code
 * ExponentialBackoffPolicy}). The n-th wait (n from 1) is nominally {@code min(max, initial x
 * multiplier^(n-1))} (resilience4j's {@code IntervalFunction.ofExponentialBackoff}), then scaled by
 * a factor drawn uniformly from {@code [1 - randomization, 1 + randomization)}.
 *
 * @param initial the first wait, more than 0
 * @param multiplier growth per failure, at least 1
 * @param randomization jitter as a fraction of the wait, 0 to 1 (exclusive)
 * @param max the longest wait before jitter, at least {@code initial}
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
   * The wait before attempt {@code failures + 1}, after {@code failures} (>= 1) failures in a row,
   * jittered with one {@link RandomGenerator#nextDouble()} of {@code random} (none is drawn when
   * {@code randomization} is 0).
   */
  public Duration delayAfter(int failures, RandomGenerator random) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: " + failures + " (expected: >= 1)");
    }
    Objects.requireNonNull(random, "random");
    long nominal = IntervalFunction.ofExponentialBackoff(initial, multiplier, max).apply(failures);
    if (randomization == 0) {
      return Duration.ofMillis(nominal);
    }
    double factor = 1 - randomization + 2 * randomization * random.nextDouble();
    return Duration.ofMillis(Math.round(nominal * factor));
  }

  /** The longest wait this backoff can produce, jitter included. */
  public Duration longest() {
    return Duration.ofMillis((long) Math.ceil(max.toMillis() * (1 + randomization)));
  }
}
