package dev.discovery.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option checks picocli cannot express, failing as a usage error (exit code 2). */
final class Checks {
  private Checks() {}

  /**
   * @throws ParameterException {@code Invalid value for option '--keys': 0 (expected: 1..1000000)}
   */
  static void range(CommandSpec spec, String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '"
              + option
              + "': "
              + value
              + " (expected: "
              + min
              + ".."
              + max
              + ")");
    }
  }
}
