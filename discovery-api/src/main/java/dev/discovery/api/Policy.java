package dev.discovery.api;

import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.Map;
import java.util.Optional;

/**
 * A load-balancing policy: a name and a way to build an immutable {@link Picker} for each snapshot
 * of candidates.
 *
 * <p>To plug in a policy of your own, implement this interface with a public no-argument
 * constructor and declare it in {@code META-INF/services/dev.discovery.api.Policy} (and in {@code
 * module-info} {@code provides}). It is then found by {@link Policies#byName(String)}, and {@code
 * discovery-grpc} offers it as a gRPC load-balancing policy of the same name, with no gRPC code of
 * yours.
 *
 * <p>{@link #newPicker} is called on a watch's serialized context once per change; it may take time
 * proportional to the number of candidates, but must not block.
 *
 * @since 0.1
 */
public interface Policy {

  /** The policy's name, such as {@code random}: lower case, digits and {@code _ -}. */
  String name();

  /** A picker over {@code candidates} (never empty). */
  <T> Picker<T> newPicker(Candidates<T> candidates);

  /**
   * Whether picks depend on a key. A keyed picker is built over every eligible endpoint whatever
   * the state of its connection (so a reconnect never moves keys) and callers walk {@link
   * Picker#pick(CharSequence, int)} when a choice is not usable; an unkeyed one is built over
   * usable endpoints only. Default {@code false}.
   */
  default boolean keyed() {
    return false;
  }

  /**
   * Kubernetes {@code ClientIP}-style affinity layered on this policy, if any: a key keeps the
   * endpoint it first got while it keeps being used within the timeout and that endpoint lives.
   */
  default Optional<Affinity> affinity() {
    return Optional.empty();
  }

  /**
   * This policy with options from a configuration map (such as a gRPC service config's JSON
   * object). The default accepts only an empty map.
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
