package dev.discovery.api;

/**
 * Told what a {@link Discovery} sees and decides, for metrics, health and logs: watches started and
 * closed, resolutions and their failures, endpoints ejected and returned by policies, a source's
 * own activity (an API watch's reconnects and relists). One event type with a few shapes, so new
 * shapes can be added without new callbacks.
 *
 * <p>Called off the pick path: from the serialized context of the watch or balancer concerned, or
 * from a policy's feedback when it ejects. Must be quick and must not block; an observer that
 * throws is logged and does not affect the others or the SDK.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface DiscoveryObserver {

  /** An observer that ignores everything. */
  DiscoveryObserver NONE = event -> {};

  /** Called for each event. */
  void onEvent(DiscoveryEvent event);
}
