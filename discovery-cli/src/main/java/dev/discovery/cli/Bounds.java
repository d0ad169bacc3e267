package dev.discovery.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** When {@code watch} and {@code pick} stop watching: after N changes, after a while, or both. */
final class Bounds {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--changes",
      paramLabel = "N",
      description = "Stop after N changes of the endpoint list (after the first list).")
  Integer changes;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = SourceOptions.DurationConverter.class,
      description = "Stop after this long, such as 30s or 5m.")
  Duration duration;

  /** Whether neither bound is set. */
  boolean none() {
    return changes == null && duration == null;
  }

  /** Whether {@code seen} changes reach the bound. */
  boolean reached(int seen) {
    return changes != null && seen >= changes;
  }

  /** Fails as a usage error when {@code --changes} is below 1. */
  void check() {
    if (changes != null) {
      Checks.range(spec, "--changes", changes, 1, 1_000_000);
    }
  }

  /** {@code 3 changes}, {@code 30 s passed}, or both, whichever comes first. */
  String describe() {
    if (duration != null && changes != null) {
      return changes + " changes or " + Durations.format(duration) + ", whichever comes first";
    }
    return duration != null ? Durations.format(duration) + " passed" : changes + " changes";
  }
}
