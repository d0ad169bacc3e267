package dev.discovery.api;

import dev.discovery.api.internal.PickerFactories;
import dev.discovery.api.internal.RandomPickerFactory;
import dev.discovery.api.internal.StickyPickerFactory;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The load-balancing policies: {@link #random()}, {@link #sticky()}, and any found by name.
 *
 * @since 0.1
 */
public final class Balancers {
  private Balancers() {}

  /**
   * Uniform random choice among the candidates, with a per-thread random source: no shared writes,
   * so picks scale with threads. Ignores keys.
   */
  public static PickerFactory random() {
    return RandomPickerFactory.THREAD_LOCAL;
  }

  /**
   * Uniform random choice drawing from {@code generator}, shared by every thread: for tests that
   * need a seeded sequence (pass a thread-safe generator such as {@link java.util.Random} if
   * several threads pick).
   */
  public static PickerFactory random(RandomGenerator generator) {
    return new RandomPickerFactory(Objects.requireNonNull(generator, "generator"));
  }

  /**
   * Consistent hashing of a key over the eligible endpoints, with no per-key state.
   *
   * <p>The endpoint for a key is a pure function of the key and the set of endpoint identities (IP
   * and port): every client process computes the same mapping, whatever its history of updates, so
   * a fleet of clients sends a key to the same pod. When endpoints change, the keys of removed
   * endpoints move and almost no others; an added endpoint takes about its fair share.
   *
   * <p>The algorithm is a Maglev lookup table (Eisenbud et al., NSDI 2016) of M slots, M the
   * smallest prime at least 65537 x 2^k for the smallest k giving 20 slots per endpoint (tiers keep
   * M, and so the mapping, stable as endpoints come and go), filled in canonical endpoint order
   * with each endpoint's permutation (offset, skip) taken from the stable 64-bit hash "discovery
   * sticky hash v2" of its address and port. A key's slot comes from the same hash of its UTF-16
   * characters. Both are specified in docs/sticky-hash.md and will not change within a major
   * version. Calls without a key pick at random.
   */
  public static PickerFactory sticky() {
    return StickyPickerFactory.PURE;
  }

  /**
   * {@link #sticky()} with Kubernetes {@code ClientIP}-style affinity on top: a key keeps the
   * endpoint it first got while used within {@link Affinity#timeout()}, even if a new endpoint
   * would now take it.
   */
  public static PickerFactory sticky(Affinity affinity) {
    return new StickyPickerFactory(Objects.requireNonNull(affinity, "affinity"));
  }

  /**
   * The policy registered under {@code name}: {@code random}, {@code sticky}, or one plugged in
   * through {@link java.util.ServiceLoader}.
   *
   * @throws IllegalArgumentException if no policy has that name (the message lists those known)
   */
  public static PickerFactory byName(String name) {
    Objects.requireNonNull(name, "name");
    return PickerFactories.byName(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "policy: \""
                        + name
                        + "\" (expected one of: "
                        + String.join(", ", names())
                        + ")"));
  }

  /** The names of every policy found, sorted. */
  public static List<String> names() {
    return PickerFactories.names();
  }
}
