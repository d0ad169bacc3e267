package dev.discovery.spi;

import dev.discovery.api.Policy;

/**
 * Chooses one candidate per call. Built once per snapshot by a {@link Policy}, then shared by every
 * thread until the next snapshot replaces it.
 *
 * <p>Implementations must be immutable, thread-safe, lock-free and should allocate nothing per
 * call: a pick sits on every request's path.
 *
 * @param <T> what is picked
 * @since 0.1
 */
public interface Picker<T> {

  /** A choice for a call without a key. Never {@code null}. */
  T pick();

  /**
   * A choice for a call with {@code key} (a session id, a client IP, a header value). Policies that
   * ignore keys behave as {@link #pick()}. Never {@code null}.
   */
  T pick(CharSequence key);

  /**
   * The {@code attempt}-th choice for {@code key}: 0 is {@link #pick(CharSequence)}, and each next
   * attempt is the deterministic fallback a caller uses when it cannot use the previous choice (in
   * gRPC: that endpoint's connection is not ready). The sequence may repeat items. The default
   * returns {@code pick(key)} for every attempt.
   */
  default T pick(CharSequence key, int attempt) {
    return pick(key);
  }
}
