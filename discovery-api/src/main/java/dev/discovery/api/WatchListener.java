package dev.discovery.api;

/**
 * Receives a watch's events, in order, one at a time, on the watch's serialized context. Must not
 * block. A listener that throws is logged and affects no other listener and not the watch.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface WatchListener {
  void onEvent(WatchEvent event);
}
