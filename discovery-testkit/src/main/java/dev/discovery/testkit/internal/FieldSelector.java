package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code fieldSelector} query parameter for the fields every served resource supports: {@code
 * metadata.name} and {@code metadata.namespace}, with {@code =}, {@code ==} or {@code !=}, joined
 * by commas. Immutable.
 */
public final class FieldSelector {
  private record Requirement(String field, boolean equal, String value) {
    boolean matches(ClusterObject object) {
      String actual = field.equals("metadata.name") ? object.name() : object.namespace();
      return equal == Objects.equals(actual == null ? "" : actual, value);
    }
  }

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses {@code selector} ({@code null} or blank selects everything).
   *
   * @throws IllegalArgumentException with the message the API server would give, if invalid
   */
  public static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String part : selector.split(",", -1)) {
      String p = part.trim();
      int ne = p.indexOf("!=");
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "invalid selector: '" + selector + "'; can't understand '" + p + "'");
      }
      boolean equal = ne < 0;
      String field = p.substring(0, equal ? eq : ne).trim();
      String value =
          p.substring(equal ? (p.startsWith("==", eq) ? eq + 2 : eq + 1) : ne + 2).trim();
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace")) {
        throw new IllegalArgumentException("field label not supported: " + field);
      }
      out.add(new Requirement(field, equal, value));
    }
    return new FieldSelector(List.copyOf(out));
  }

  /** Whether {@code object} satisfies every requirement. */
  public boolean matches(ClusterObject object) {
    for (Requirement r : requirements) {
      if (!r.matches(object)) {
        return false;
      }
    }
    return true;
  }
}
