package dev.discovery.api;

/**
 * A listener's registration; {@link #close()} unsubscribes. Idempotent.
 *
 * @since 0.1
 */
public interface Subscription extends AutoCloseable {
  /** Stops delivery to the listener; events already being delivered may still arrive. */
  @Override
  void close();
}
