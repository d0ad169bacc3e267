package dev.discovery.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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

  /**
   * The option that sets {@link #timeout()}: a duration such as {@code "10800s"} or {@code "PT3H"}.
   */
  public static final String TIMEOUT_OPTION = "affinityTimeout";

  /** The option that sets {@link #maxKeys()}: a whole number, with {@link #TIMEOUT_OPTION}. */
  public static final String MAX_KEYS_OPTION = "affinityMaxKeys";

  /**
   * The affinity that {@code options} ask for, from {@value #TIMEOUT_OPTION} and {@value
   * #MAX_KEYS_OPTION} (other keys are ignored); empty when they name none.
   *
   * @throws IllegalArgumentException naming the option that is bad and what was expected
   */
  public static Optional<Affinity> fromOptions(Map<String, ?> options) {
    Object timeout = options.get(TIMEOUT_OPTION);
    Object maxKeys = options.get(MAX_KEYS_OPTION);
    if (timeout == null) {
      if (maxKeys != null) {
        throw new IllegalArgumentException(
            "option: affinityMaxKeys without affinityTimeout (expected: both, or"
                + " affinityTimeout alone)");
      }
      return Optional.empty();
    }
    return Optional.of(
        new Affinity(parseDuration(timeout), maxKeys == null ? DEFAULT_MAX_KEYS : count(maxKeys)));
  }

  /** The options that {@link #fromOptions} reads back into this affinity. */
  public Map<String, Object> toOptions() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(TIMEOUT_OPTION, Options.duration(timeout));
    json.put(MAX_KEYS_OPTION, (double) maxKeys);
    return json;
  }

  private static Duration parseDuration(Object value) {
    return Options.duration(TIMEOUT_OPTION, value);
  }

  private static int count(Object value) {
    return Options.count(MAX_KEYS_OPTION, value);
  }
}
