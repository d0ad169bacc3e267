package dev.discovery.spi;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link Resolver} reports: a snapshot or an error, never both.
 *
 * @since 0.1
 */
public sealed interface ResolutionResult
    permits ResolutionResult.Resolved, ResolutionResult.Failed {

  /**
   * A successful resolution.
   *
   * @param endpoints the snapshot
   * @param changedAt when the source last changed what this snapshot shows, if the source says (the
   *     Kubernetes API source reads its EndpointSlices' {@code
   *     endpoints.kubernetes.io/last-change-trigger-time}); {@code null} when unknown. Not part of
   *     the snapshot, so it never makes a change by itself; observers get the delay from it to the
   *     watch publishing the change.
   */
  record Resolved(EndpointSet endpoints, Instant changedAt) implements ResolutionResult {
    public Resolved {
      Objects.requireNonNull(endpoints, "endpoints");
    }

    /** A successful resolution whose source does not say when it changed. */
    public Resolved(EndpointSet endpoints) {
      this(endpoints, null);
    }
  }

  /** A failed resolution; the watch keeps its last good snapshot. */
  record Failed(ResolutionError error) implements ResolutionResult {
    public Failed {
      Objects.requireNonNull(error, "error");
    }
  }
}
