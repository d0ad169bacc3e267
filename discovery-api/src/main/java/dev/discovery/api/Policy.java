package dev.discovery.api;

import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.util.Map;

/**
 * A load-balancing policy: a name, and a way to build an immutable {@link Picker} for each snapshot
 * of candidates. Applications get one from {@link Policies} and hand it to {@link
 * ServiceWatch#balancer(Policy)}; the gRPC integration offers every policy as a load-balancing
 * policy of the same name.
 *
 * <h2>Writing a policy</h2>
 *
 * Implement this interface with a public no-argument constructor and declare it in {@code
 * META-INF/services/dev.discovery.api.Policy} (and in {@code module-info} {@code provides}). It is
 * then found by {@link Policies#byName(String)}, and {@code discovery-grpc} offers it as a gRPC
 * policy of its name with no gRPC code of yours. No host treats a built-in policy differently from
 * yours:
 *
 * <ul>
 *   <li>A stateless policy implements {@link #newPicker}; one that keeps state across snapshots
 *       overrides {@link #newInstance} as well.
 *   <li>A policy whose picks depend on a key says so with {@link #keyed()}; it then gets what
 *       {@code sticky} gets: {@link Policies#withAffinity affinity} on top, the {@code
 *       affinityTimeout} / {@code affinityMaxKeys} options, and in gRPC a key from the request
 *       header its {@code header} option names.
 *   <li>It reads its own options (the JSON object a gRPC service config gives it, or the map passed
 *       to {@link Policies#byName(String, Map)}) in {@link #configure(Map)}.
 * </ul>
 *
 * @since 0.1
 */
public interface Policy {

  /** The policy's name, such as {@code random}: lower case, digits and {@code _ -}. */
  String name();

  /**
   * A picker over {@code candidates} (never empty), for a policy without state across snapshots.
   * Called on the consumer's serialized context once per change; may take time proportional to the
   * number of candidates, but must not block.
   */
  <T> Picker<T> newPicker(Candidates<T> candidates);

  /**
   * This policy's state for one consumer (a balancer, a gRPC channel), which builds the picker of
   * each snapshot. The default keeps no state: {@link #newPicker} per snapshot.
   */
  default <T> PolicyInstance<T> newInstance(PolicyContext context) {
    return this::newPicker;
  }

  /**
   * Whether picks depend on a key. Hosts build a keyed policy's picker over every eligible endpoint
   * whatever the state of its connection (so a reconnect never moves keys) and walk {@link
   * Picker#pick(CharSequence, int)} when a choice is not usable; an unkeyed one is built over
   * usable endpoints only. Default {@code false}.
   */
  default boolean keyed() {
    return false;
  }

  /**
   * This policy with its own options applied (a gRPC service config's JSON object for the policy,
   * less what the host reads for every policy of its kind: see {@link Policies#configure}). The
   * default accepts only an empty map.
   *
   * @throws IllegalArgumentException naming an option that is unknown or has a bad value
   */
  default Policy configure(Map<String, ?> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "options: " + options.keySet() + " for policy " + name() + " (expected: none)");
    }
    return this;
  }
}
