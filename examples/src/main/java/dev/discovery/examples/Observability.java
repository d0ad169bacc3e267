package dev.discovery.examples;

import dev.discovery.api.Discovery;
import dev.discovery.micrometer.DiscoveryMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/** docs/observability.md's snippets. */
public final class Observability {
  private Observability() {}

  // snippet:health-check
  static boolean healthy(Discovery discovery) { // every watched Service has a ready endpoint
    return discovery.status().watches().stream().noneMatch(w -> w.counts().ready() == 0);
  }

  // end-snippet

  // snippet:metrics-bind
  static void bindMetrics(Discovery discovery, MeterRegistry registry) {
    new DiscoveryMetrics(discovery).bindTo(registry);
  }
  // end-snippet
}
