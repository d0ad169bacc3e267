package dev.discovery.cli;

import java.nio.charset.Charset;

/** What the terminal can show. */
final class Terminal {
  private Terminal() {}

  /**
   * The charset of stdout as the JVM chose it: the console's when there is one ({@code
   * sun.stdout.encoding}), else the default (from the locale, or {@code -Dfile.encoding}).
   */
  static Charset charset() {
    String console = System.getProperty("sun.stdout.encoding");
    if (console != null) {
      try {
        return Charset.forName(console);
      } catch (IllegalArgumentException e) {
        // an unknown name: fall back to the default
      }
    }
    return Charset.defaultCharset();
  }

  /** The glyph for bar charts: a full block where the charset has one, else {@code #}. */
  static char barGlyph() {
    return BarChart.glyph(charset());
  }
}
