package dev.discovery.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Kubernetes {@code sessionAffinity: ClientIP} semantics on the client: a key keeps the endpoint it
 * first got for as long as it is used again within {@link #timeout()} and that endpoint is still
 * eligible. The state survives picker swaps and is bounded: beyond {@link #maxKeys()} keys, those
 * idle longest are forgotten first.
 *
 * @param timeout idle time after which a key is forgotten: more than 0 and at most 86400 s, as
 *     Kubernetes validates {@code timeoutSeconds}
 * @param maxKeys how many keys to remember at most
 * @since 0.1
 */
public record Affinity(Duration timeout, int maxKeys) {
  /** Kubernetes' default {@code timeoutSeconds}: 10800 s (3 h). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10800);

  /** The default bound on remembered keys. */
  public static final int DEFAULT_MAX_KEYS = 100_000;

  private static final Duration MAX_TIMEOUT = Duration.ofSeconds(86400);

  public Affinity {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout: " + timeout.toSeconds() + "s (expected: more than 0 and at most 86400s)");
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: >= 1)");
    }
  }

  /** Kubernetes' defaults: 10800 s, with {@link #DEFAULT_MAX_KEYS} keys at most. */
  public static Affinity clientIp() {
    return new Affinity(DEFAULT_TIMEOUT, DEFAULT_MAX_KEYS);
  }

  /** {@code timeout} with {@link #DEFAULT_MAX_KEYS} keys at most. */
  public static Affinity of(Duration timeout) {
    return new Affinity(timeout, DEFAULT_MAX_KEYS);
  }
}
