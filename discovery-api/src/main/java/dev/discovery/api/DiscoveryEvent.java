package dev.discovery.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link DiscoveryObserver} is told. Every event names its target as written (a watch's
 * {@link Target#toString()}, or a gRPC channel's authority).
 *
 * @since 0.2
 */
public sealed interface DiscoveryEvent {

  /** The target the event is about. */
  String target();

  /**
   * A policy took {@code endpoint} out of rotation (outlier ejection).
   *
   * @param policy the name of the policy that ejected it
   * @param reason why, such as {@code 5 consecutive failures}
   * @param duration how long it stays out unless it is removed before
   */
  record EndpointEjected(
      String target, Endpoint endpoint, String policy, String reason, Duration duration)
      implements DiscoveryEvent {
    public EndpointEjected {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * An ejected endpoint is back in rotation.
   *
   * @param policy the name of the policy that had ejected it
   */
  record EndpointReturned(String target, Endpoint endpoint, String policy)
      implements DiscoveryEvent {
    public EndpointReturned {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(policy, "policy");
    }
  }
}
