package dev.discovery.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector as the API's {@code labelSelector} query parameter writes it:
 * requirements joined by commas, each {@code key=value}, {@code key==value}, {@code key!=value},
 * {@code key in (a,b)}, {@code key notin (a,b)}, {@code key} (exists) or {@code !key}. All must
 * hold. {@code !=} and {@code notin} also hold for objects without the key, as in Kubernetes.
 * Immutable.
 */
public final class LabelSelector {
  private static final Pattern KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final Pattern SET_REQUIREMENT =
      Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\((.*)\\)");

  private enum Op {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  private record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** The selector that selects every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses {@code selector} ({@code null} or blank selects everything).
   *
   * @throws IllegalArgumentException with the message the API server would give, if invalid
   */
  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String part : splitTopLevel(selector)) {
      out.add(requirement(part.trim()));
    }
    return new LabelSelector(out);
  }

  /** Whether {@code labels} satisfy every requirement. */
  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> splitTopLevel(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(selector.substring(start));
    return parts;
  }

  private static Requirement requirement(String text) {
    var set = SET_REQUIREMENT.matcher(text);
    if (set.matches()) {
      List<String> values = new ArrayList<>();
      for (String v : set.group(3).split(",", -1)) {
        values.add(value(text, v.trim()));
      }
      return new Requirement(
          key(text, set.group(1)),
          set.group(2).equals("in") ? Op.IN : Op.NOT_IN,
          Set.copyOf(values));
    }
    int ne = text.indexOf("!=");
    if (ne > 0) {
      return equality(text, ne, 2, Op.NOT_EQUALS);
    }
    int eq = text.indexOf("==");
    if (eq > 0) {
      return equality(text, eq, 2, Op.EQUALS);
    }
    eq = text.indexOf('=');
    if (eq > 0) {
      return equality(text, eq, 1, Op.EQUALS);
    }
    if (text.startsWith("!")) {
      return new Requirement(key(text, text.substring(1).trim()), Op.DOES_NOT_EXIST, Set.of());
    }
    return new Requirement(key(text, text), Op.EXISTS, Set.of());
  }

  private static Requirement equality(String text, int at, int width, Op op) {
    String key = key(text, text.substring(0, at).trim());
    String value = value(text, text.substring(at + width).trim());
    return new Requirement(key, op, Set.of(value));
  }

  private static String key(String requirement, String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "unable to parse requirement: "
              + Validation.quote(requirement)
              + ": invalid label key "
              + Validation.quote(key));
    }
    return key;
  }

  private static String value(String requirement, String value) {
    if (!VALUE.matcher(value).matches() || value.length() > 63) {
      throw new IllegalArgumentException(
          "unable to parse requirement: "
              + Validation.quote(requirement)
              + ": invalid label value "
              + Validation.quote(value));
    }
    return value;
  }
}
