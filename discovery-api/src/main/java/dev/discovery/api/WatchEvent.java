package dev.discovery.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link WatchListener} is told. One event type with a few shapes, so new shapes can be
 * added without new callbacks.
 *
 * @since 0.1
 */
public sealed interface WatchEvent
    permits WatchEvent.Changed, WatchEvent.Failed, WatchEvent.Recovered {

  /** The watched target. */
  Target target();

  /**
   * The endpoints changed (or arrived for the first time, or a new subscriber gets the current
   * ones).
   *
   * @param previous the snapshot before, or {@code null} for the first one this listener sees
   * @param current the new snapshot
   */
  record Changed(Target target, EndpointSet previous, EndpointSet current) implements WatchEvent {
    public Changed {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(current, "current");
    }
  }

  /**
   * Resolution failed. The last good snapshot stays in use.
   *
   * @param error what failed
   * @param lastGood the snapshot still in use, or {@code null} if none arrived yet
   * @param staleness how long since the last successful resolution
   */
  record Failed(Target target, ResolutionError error, EndpointSet lastGood, Duration staleness)
      implements WatchEvent {
    public Failed {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(staleness, "staleness");
    }
  }

  /**
   * Resolution works again after a failure and the endpoints did not change meanwhile.
   *
   * @param current the snapshot, unchanged
   */
  record Recovered(Target target, EndpointSet current) implements WatchEvent {
    public Recovered {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(current, "current");
    }
  }
}
