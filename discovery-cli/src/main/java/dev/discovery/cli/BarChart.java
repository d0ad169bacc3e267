package dev.discovery.cli;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A horizontal bar chart for a terminal: one bar per row, scaled to the largest value. */
final class BarChart {
  /** The full block, where the terminal's charset has it. */
  static final char BLOCK = '\u2588';

  /** One bar: its label, its value and a note after the numbers (may be empty). */
  record Bar(String label, long value, String note) {}

  private BarChart() {}

  /** {@link #BLOCK} if {@code charset} can encode it, else {@code #}. */
  static char glyph(Charset charset) {
    return charset.newEncoder().canEncode(BLOCK) ? BLOCK : '#';
  }

  /**
   * The chart's lines: label, bar of at most {@code width} glyphs, value, share of {@code total}. A
   * non-zero value always gets at least one glyph.
   */
  static List<String> render(List<Bar> bars, long total, int width, char glyph, String indent) {
    long max = 0;
    int labelWidth = 0;
    int valueWidth = 1;
    for (Bar b : bars) {
      max = Math.max(max, b.value());
      labelWidth = Math.max(labelWidth, b.label().length());
      valueWidth = Math.max(valueWidth, String.format(Locale.ROOT, "%,d", b.value()).length());
    }
    List<String> out = new ArrayList<>();
    for (Bar b : bars) {
      int len = max == 0 ? 0 : (int) Math.round((double) b.value() * width / max);
      if (b.value() > 0 && len == 0) {
        len = 1;
      }
      double share = total == 0 ? 0 : 100.0 * b.value() / total;
      String line =
          indent
              + pad(b.label(), labelWidth)
              + "  "
              + String.valueOf(glyph).repeat(len)
              + " ".repeat(width - len)
              + "  "
              + String.format(Locale.ROOT, "%" + valueWidth + "s", fmt(b.value()))
              + String.format(Locale.ROOT, "  %5.1f%%", share)
              + (b.note().isEmpty() ? "" : "  " + b.note());
      out.add(line.stripTrailing());
    }
    return out;
  }

  private static String fmt(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
