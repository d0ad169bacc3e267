package dev.discovery.cli;

import dev.discovery.api.ResolutionError;
import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every command, one meaning each; listed in {@code --help} and docs/cli.md. */
final class ExitCodes {
  /** It worked. */
  static final int OK = 0;

  /**
   * The source answered, and the answer is no: no such Service, no endpoint to call, a port name
   * the Service lacks, an unusable answer, access denied.
   */
  static final int FAILED = 1;

  /** Bad arguments or a malformed target (picocli prints the usage). */
  static final int USAGE = 2;

  /** The source could not be asked or gave no answer in time (unreachable, timeout, SERVFAIL). */
  static final int UNAVAILABLE = 3;

  /** The tool itself failed (a bug; {@code --verbose} prints the stack trace). */
  static final int INTERNAL = 4;

  /** Stopped by Ctrl-C (SIGINT), as shells count it: 128 + 2. */
  static final int INTERRUPTED = 130;

  private ExitCodes() {}

  /** The code for a resolution error: {@link #UNAVAILABLE} when transient, else {@link #FAILED}. */
  static int of(ResolutionError error) {
    return error.kind() == ResolutionError.Kind.UNAVAILABLE ? UNAVAILABLE : FAILED;
  }

  /** The list {@code --help} shows. */
  static Map<String, String> help() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(" " + OK, "ok");
    m.put(
        " " + FAILED,
        "resolution failed: no such Service, no endpoint to call, unknown port name,"
            + " unusable answer, access denied");
    m.put(" " + USAGE, "usage: bad arguments or malformed target");
    m.put(" " + UNAVAILABLE, "unavailable: the source is unreachable or did not answer in time");
    m.put(" " + INTERNAL, "internal error in the tool (--verbose shows the stack trace)");
    m.put(INTERRUPTED + "", "interrupted (Ctrl-C)");
    return m;
  }
}
