package dev.discovery.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How {@code pick} and {@code demo} make their picks and draw them. */
final class PickOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--keys",
      paramLabel = "N",
      defaultValue = "1000",
      description = "How many distinct keys sticky calls use (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--calls",
      paramLabel = "M",
      defaultValue = "10000",
      description = "How many picks per chart (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "1",
      description =
          "The seed of random's picks, for repeatable charts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--width",
      paramLabel = "COLUMNS",
      defaultValue = "30",
      description = "The longest bar, in characters (default: ${DEFAULT-VALUE}).")
  int width;

  /** Fails as a usage error when a number is out of range. */
  void check() {
    Checks.range(spec, "--keys", keys, 1, 1_000_000);
    Checks.range(spec, "--calls", calls, 1, 100_000_000);
    Checks.range(spec, "--width", width, 1, 500);
  }
}
