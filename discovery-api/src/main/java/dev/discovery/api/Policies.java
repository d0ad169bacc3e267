package dev.discovery.api;

import dev.discovery.api.internal.AffinityPolicy;
import dev.discovery.api.internal.LeastRequestPolicy;
import dev.discovery.api.internal.PolicyLoader;
import dev.discovery.api.internal.RandomPolicy;
import dev.discovery.api.internal.StickyPolicy;
import dev.discovery.api.internal.TrafficPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The load-balancing policies: {@link #random()}, {@link #sticky()}, {@link #leastRequest()}, and
 * any found by name; and the layers any of them can have: {@link #withZoneAware zone awareness},
 * {@link #withOutlierEjection outlier ejection}, {@link #withSlowStart slow start}, always applied
 * in that order (zone filter, then ejection, then slow-start weights, then the policy's own choice)
 * whatever the order of the calls.
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
   * Power of two choices over calls in flight (grpc's {@code least_request_experimental}): each
   * pick samples two endpoints at random and takes the one with fewer calls in flight, so a slow or
   * overloaded endpoint gets fewer calls. Counts come from call feedback: pick with {@link
   * Balancer#start()} and end the {@link Balancer.Call}. Unkeyed. Registered as {@code
   * least_request}, with the option {@code choiceCount}.
   *
   * @since 0.2
   */
  public static Policy leastRequest() {
    return LeastRequestPolicy.DEFAULT;
  }

  /**
   * {@link #leastRequest()} sampling {@code choiceCount} endpoints per pick.
   *
   * @throws IllegalArgumentException if {@code choiceCount} is not in 2..10: {@code choiceCount: 1
   *     (expected: 2..10)}
   * @since 0.2
   */
  public static Policy leastRequest(int choiceCount) {
    return new LeastRequestPolicy(choiceCount, null);
  }

  /**
   * {@link #leastRequest(int)} drawing from {@code generator}, for tests that need a seeded
   * sequence.
   *
   * @since 0.2
   */
  public static Policy leastRequest(int choiceCount, RandomGenerator generator) {
    return new LeastRequestPolicy(choiceCount, Objects.requireNonNull(generator, "generator"));
  }

  /**
   * {@code policy} with outlier ejection: endpoints whose calls fail are out of rotation for a
   * while (see {@link OutlierEjection}). Needs call feedback ({@link Balancer#start()}). Replaces
   * any outlier ejection {@code policy} had.
   *
   * @since 0.2
   */
  public static Policy withOutlierEjection(Policy policy, OutlierEjection config) {
    return TrafficPolicy.withOutlierEjection(
        Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(config, "config"));
  }

  /**
   * {@code policy} with slow start: endpoints that join later ramp up to their full share (see
   * {@link SlowStart}). Replaces any slow start {@code policy} had.
   *
   * @since 0.2
   */
  public static Policy withSlowStart(Policy policy, SlowStart config) {
    return TrafficPolicy.withSlowStart(
        Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(config, "config"));
  }

  /**
   * {@code policy} over the endpoints in the caller's zone or node, by kube-proxy's rules, spilling
   * over to all when too few are left (see {@link ZoneAware}). A keyed policy's keys stay in the
   * zone. Replaces any zone awareness {@code policy} had.
   *
   * @since 0.2
   */
  public static Policy withZoneAware(Policy policy, ZoneAware config) {
    return TrafficPolicy.withZoneAware(
        Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(config, "config"));
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
    Objects.requireNonNull(keyed, "keyed");
    Objects.requireNonNull(affinity, "affinity");
    // Under the traffic layers: an ejected endpoint's keys then move past it even if remembered.
    return TrafficPolicy.mapBase(keyed, base -> new AffinityPolicy(base, affinity));
  }

  /**
   * {@code policy} with {@code options} applied, the same way for the Java API and a gRPC service
   * config: every policy takes {@value ZoneAware#OPTION}, {@value OutlierEjection#OPTION} and
   * {@value SlowStart#OPTION} (JSON objects, read by {@link ZoneAware#fromOptions}, {@link
   * OutlierEjection#fromOptions}, {@link SlowStart#fromOptions}); a keyed policy's {@value
   * Affinity#TIMEOUT_OPTION} and {@value Affinity#MAX_KEYS_OPTION} become {@link #withAffinity
   * affinity} on top of it; every other option goes to the policy's own {@link
   * Policy#configure(Map)}.
   *
   * @throws IllegalArgumentException naming the option that is unknown or bad, and what was
   *     expected
   */
  public static Policy configure(Policy policy, Map<String, ?> options) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    if (options.containsKey(ZoneAware.OPTION)
        || options.containsKey(OutlierEjection.OPTION)
        || options.containsKey(SlowStart.OPTION)) {
      Map<String, Object> rest = new LinkedHashMap<>(options);
      Object zone = rest.remove(ZoneAware.OPTION);
      Object ejection = rest.remove(OutlierEjection.OPTION);
      Object slow = rest.remove(SlowStart.OPTION);
      Policy configured = TrafficPolicy.mapBase(policy, base -> configure(base, rest));
      if (zone != null) {
        configured =
            withZoneAware(
                configured, ZoneAware.fromOptions(Options.object(ZoneAware.OPTION, zone)));
      }
      if (ejection != null) {
        configured =
            withOutlierEjection(
                configured,
                OutlierEjection.fromOptions(Options.object(OutlierEjection.OPTION, ejection)));
      }
      if (slow != null) {
        configured =
            withSlowStart(
                configured, SlowStart.fromOptions(Options.object(SlowStart.OPTION, slow)));
      }
      return configured;
    }
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
