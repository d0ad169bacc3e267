package dev.discovery.api;

import dev.discovery.api.internal.AffinityPolicy;
import dev.discovery.api.internal.PolicyLoader;
import dev.discovery.api.internal.RandomPolicy;
import dev.discovery.api.internal.StickyPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The load-balancing policies: {@link #random()}, {@link #sticky()}, and any found by name.
 *
 * @since 0.1
 */
public final class Policies {
  private Policies() {}

  /**
   * Uniform random choice among the candidates, with a per-thread random source: no shared writes,
   * so picks scale with threads. Ignores keys.
   */
  public static Policy random() {
    return RandomPolicy.THREAD_LOCAL;
  }

  /**
   * Uniform random choice drawing from {@code generator}, shared by every thread: for tests that
   * need a seeded sequence (pass a thread-safe generator such as {@link java.util.Random} if
   * several threads pick).
   */
  public static Policy random(RandomGenerator generator) {
    return new RandomPolicy(Objects.requireNonNull(generator, "generator"));
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
  public static Policy sticky() {
    return StickyPolicy.INSTANCE;
  }

  /**
   * {@link #sticky()} with Kubernetes {@code ClientIP}-style affinity on top: a key keeps the
   * endpoint it first got while used within {@link Affinity#timeout()}, even if a new endpoint
   * would now take it.
   */
  public static Policy sticky(Affinity affinity) {
    return withAffinity(sticky(), affinity);
  }

  /**
   * {@code keyed} with Kubernetes {@code ClientIP}-style affinity on top: a key keeps the endpoint
   * it first got while used within {@link Affinity#timeout()} and that endpoint is still eligible;
   * a key without a remembered endpoint gets {@code keyed}'s choice. The memory is per balancer
   * (per gRPC channel), kept across snapshots, bounded by {@link Affinity#maxKeys()}.
   *
   * @throws IllegalArgumentException if {@code keyed} is not {@link Policy#keyed() keyed} or has
   *     affinity already
   */
  public static Policy withAffinity(Policy keyed, Affinity affinity) {
    return new AffinityPolicy(
        Objects.requireNonNull(keyed, "keyed"), Objects.requireNonNull(affinity, "affinity"));
  }

  /**
   * {@code policy} with {@code options} applied, the same way for the Java API and a gRPC service
   * config: a keyed policy's {@value Affinity#TIMEOUT_OPTION} and {@value Affinity#MAX_KEYS_OPTION}
   * become {@link #withAffinity affinity} on top of it; every other option goes to the policy's own
   * {@link Policy#configure(Map)}.
   *
   * @throws IllegalArgumentException naming the option that is unknown or bad, and what was
   *     expected
   */
  public static Policy configure(Policy policy, Map<String, ?> options) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    if (!policy.keyed()) {
      return policy.configure(options);
    }
    Optional<Affinity> affinity = Affinity.fromOptions(options);
    Map<String, Object> rest = new LinkedHashMap<>(options);
    rest.remove(Affinity.TIMEOUT_OPTION);
    rest.remove(Affinity.MAX_KEYS_OPTION);
    Policy configured;
    try {
      configured = policy.configure(rest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              + "; every keyed policy also takes affinityTimeout and affinityMaxKeys (and header"
              + " in a gRPC service config)",
          e);
    }
    return affinity.isPresent() ? withAffinity(configured, affinity.get()) : configured;
  }

  /**
   * The policy registered under {@code name} with {@code options} applied ({@link #configure}).
   *
   * @throws IllegalArgumentException if no policy has that name, or an option is unknown or bad
   */
  public static Policy byName(String name, Map<String, ?> options) {
    return configure(byName(name), options);
  }

  /**
   * The policy registered under {@code name}: {@code random}, {@code sticky}, or one plugged in
   * through {@link java.util.ServiceLoader}.
   *
   * @throws IllegalArgumentException if no policy has that name (the message lists those known)
   */
  public static Policy byName(String name) {
    Objects.requireNonNull(name, "name");
    return PolicyLoader.byName(name)
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
    return PolicyLoader.names();
  }
}
