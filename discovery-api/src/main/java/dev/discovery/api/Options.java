package dev.discovery.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the values of policy options as a gRPC service config's JSON gives them (numbers as
 * doubles, durations as {@code "10s"}), or as a Java map gives them: one line per bad value, naming
 * the option and what was expected.
 */
final class Options {
  private Options() {}

  /** A duration such as {@code "10s"}, {@code "0.5s"} or {@code "PT3H"}. */
  static Duration duration(String name, Object value) {
    if (value instanceof Duration d) {
      return d;
    }
    String text = String.valueOf(value).trim();
    try {
      if (text.endsWith("s") && !text.startsWith("P")) {
        return Duration.ofNanos(
            new BigDecimal(text.substring(0, text.length() - 1))
                .movePointRight(9)
                .longValueExact());
      }
      return Duration.parse(text);
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + ": \"" + text + "\" (expected: a duration such as \"10800s\" or \"PT3H\")");
    }
  }

  /** The JSON form of {@code d}: seconds with a suffix, such as {@code "10s"}. */
  static String duration(Duration d) {
    return BigDecimal.valueOf(d.getSeconds())
            .add(BigDecimal.valueOf(d.getNano(), 9))
            .stripTrailingZeros()
            .toPlainString()
        + "s";
  }

  /** A whole number, from a JSON number or text. */
  static int count(String name, Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: a whole number)");
    }
  }

  /** A number, from a JSON number or text. */
  static double number(String name, Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: a number)");
    }
  }

  /** Text. */
  static String text(String name, Object value) {
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    throw new IllegalArgumentException(name + ": " + value + " (expected: a string)");
  }

  /** A list of strings, as a set in their order. */
  static Set<String> strings(String name, Object value) {
    if (!(value instanceof Collection<?> list)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: a list of strings such as [\"UNAVAILABLE\"])");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : list) {
      out.add(text(name, o));
    }
    return out;
  }

  /** A JSON object (a map with string keys). */
  @SuppressWarnings("unchecked")
  static Map<String, ?> object(String name, Object value) {
    if (value instanceof Map<?, ?> m && m.keySet().stream().allMatch(k -> k instanceof String)) {
      return (Map<String, ?>) m;
    }
    throw new IllegalArgumentException(name + ": " + value + " (expected: a JSON object)");
  }

  /** Throws naming the first key of {@code options} not in {@code known}. */
  static void onlyKnown(String what, Map<String, ?> options, Set<String> known) {
    for (String k : options.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(
            what
                + ": unknown option \""
                + k
                + "\" (expected one of: "
                + String.join(", ", known)
                + ")");
      }
    }
  }
}
