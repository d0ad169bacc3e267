package dev.discovery.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How figures are written in the summary and the goals: times with their interval, bytes, ratios.
 */
final class Format {
  /** Bytes per operation below this count as zero (the GC profiler's normalisation noise). */
  static final double ZERO_BYTES = 0.5;

  private Format() {}

  /** {@code 12.3 ±0.4 · 0 B}, with {@code ×ratio} against {@code base} when given. */
  static String cell(Optional<JmhResult> r, Optional<JmhResult> base) {
    if (r.isEmpty()) {
      return "-";
    }
    JmhResult x = r.get();
    String s = nanos(x) + " · " + bytes(x.bytesPerOp());
    if (base != null && base.isPresent()) {
      s += " · " + ratio(x.score() / base.get().score());
    }
    return s;
  }

  static double toNanos(JmhResult r) {
    double f =
        switch (r.unit()) {
          case "ns/op" -> 1;
          case "us/op" -> 1e3;
          case "ms/op" -> 1e6;
          case "s/op" -> 1e9;
          default ->
              throw new IllegalArgumentException(
                  "unit: " + r.unit() + " of " + r.benchmark() + " (expected: a time per op)");
        };
    return r.score() * f;
  }

  static String nanos(JmhResult r) {
    double f = toNanos(r) / r.score();
    return num(r.score() * f) + err(r.error() * f) + " ns";
  }

  static String millis(JmhResult r) {
    double f = toNanos(r) / r.score() / 1e6;
    return num(r.score() * f) + err(r.error() * f) + " ms";
  }

  static String err(double e) {
    return Double.isNaN(e) ? "" : " ±" + num(e);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  static String ratio(double r) {
    return "×" + String.format(Locale.ROOT, r >= 10 ? "%.0f" : "%.2f", r);
  }

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "? B";
    }
    if (b < ZERO_BYTES) {
      return "0 B";
    }
    return b >= 10_000 ? megabytes(b) : String.format(Locale.ROOT, "%.0f B", b);
  }

  static String megabytes(double b) {
    if (Double.isNaN(b)) {
      return "? MB";
    }
    return String.format(Locale.ROOT, b >= 1e6 ? "%.2f MB" : "%.3f MB", b / 1e6);
  }

  static String join(List<String> parts) {
    return String.join(", ", parts);
  }
}
