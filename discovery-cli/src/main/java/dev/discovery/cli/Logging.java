package dev.discovery.cli;

/**
 * Where the SDK's own log lines go: slf4j-simple, to stderr, {@code WARN} and above by default (see
 * {@code simplelogger.properties}), so an operator sees what the SDK warns about (a ClusterIP
 * target, a failing listener) and nothing else; {@code --verbose} shows the SDK's debug lines too.
 * Must run before the first logger is created.
 */
final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  static void configure(boolean verbose) {
    // The commands print each watch's failures and recoveries themselves, on one line: the SDK's
    // own
    // lines about them (a watch's outage begun, recovered) would say it twice.
    level("dev.discovery.api.internal.SharedResolver", "error", verbose);
    if (verbose) {
      System.setProperty(PREFIX + "defaultLogLevel", "debug");
      System.setProperty(PREFIX + "showDateTime", "true");
      System.setProperty(PREFIX + "dateTimeFormat", "HH:mm:ss.SSS");
      System.setProperty(PREFIX + "showThreadName", "true");
    }
  }

  /** Sets the level of one logger (by class name), unless {@code --verbose} asked for all. */
  static void level(String logger, String level, boolean verbose) {
    if (!verbose) {
      System.setProperty(PREFIX + "log." + logger, level);
    }
  }
}
