package dev.discovery.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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

  /** A watch of {@code target} started: the first {@link ServiceWatch} of it on this discovery. */
  record WatchStarted(String target) implements DiscoveryEvent {
    public WatchStarted {
      Objects.requireNonNull(target, "target");
    }
  }

  /** The last watch of {@code target} on this discovery closed; its resolver is stopped. */
  record WatchClosed(String target) implements DiscoveryEvent {
    public WatchClosed {
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * A resolution succeeded: after every answer of the source, whether or not it changed anything.
   *
   * @param source the source that answered, and why that one
   * @param changed whether the snapshot changed (and was published to the watch's listeners)
   * @param endpoints the number of endpoints of the snapshot
   * @param ready how many of them are ready
   * @param sourceDelay on a change, how long from the change at the source to the watch publishing
   *     it, when the source says when the change happened (the Kubernetes API source reads the
   *     EndpointSlice controller's {@code endpoints.kubernetes.io/last-change-trigger-time});
   *     {@code null} otherwise (DNS cannot tell)
   */
  record Resolved(
      String target, Source source, boolean changed, int endpoints, int ready, Duration sourceDelay)
      implements DiscoveryEvent {
    public Resolved {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(source, "source");
    }

    /** {@link #sourceDelay()}, when known. */
    public Optional<Duration> delay() {
      return Optional.ofNullable(sourceDelay);
    }
  }

  /**
   * A resolution failed; the watch keeps its last good snapshot and retries.
   *
   * @param outageBegins whether this is the first failure since the last success (or since the
   *     watch started): an outage begins; later failures of the same outage have {@code false}
   */
  record ResolutionFailed(String target, ResolutionError error, boolean outageBegins)
      implements DiscoveryEvent {
    public ResolutionFailed {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * Resolution works again after an outage.
   *
   * @param outage how long since the outage began (its first failure)
   */
  record Recovered(String target, Duration outage) implements DiscoveryEvent {
    public Recovered {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(outage, "outage");
    }
  }

  /**
   * Something a source did on its own, such as the Kubernetes API source's {@code reconnect} (a
   * watch opened again after it broke, stalled or expired) and {@code relist} (the objects listed
   * again after a watch's history expired).
   *
   * @param source the source's name, such as {@code api}
   * @param activity a short lowercase word, such as {@code reconnect} or {@code relist}
   */
  record SourceActivity(String target, String source, String activity) implements DiscoveryEvent {
    public SourceActivity {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(activity, "activity");
    }
  }
}
