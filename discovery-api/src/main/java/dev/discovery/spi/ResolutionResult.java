package dev.discovery.spi;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import java.util.Objects;

/**
 * What a {@link Resolver} reports: a snapshot or an error, never both.
 *
 * @since 0.1
 */
public sealed interface ResolutionResult
    permits ResolutionResult.Resolved, ResolutionResult.Failed {

  /** A successful resolution. */
  record Resolved(EndpointSet endpoints) implements ResolutionResult {
    public Resolved {
      Objects.requireNonNull(endpoints, "endpoints");
    }
  }

  /** A failed resolution; the watch keeps its last good snapshot. */
  record Failed(ResolutionError error) implements ResolutionResult {
    public Failed {
      Objects.requireNonNull(error, "error");
    }
  }
}
