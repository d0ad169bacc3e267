package dev.discovery.k8s.internal.api;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An API object parsed from JSON, or why it could not be: one line naming the object and the field
 * ({@code EndpointSlice shop/web-abc12: endpoints[3].addresses[0]: "x" (expected: an IP address)}).
 * Parsing never throws.
 *
 * @param <T> the model type
 */
public sealed interface Parsed<T> permits Parsed.Ok, Parsed.Malformed {

  /** A parsed object. */
  record Ok<T>(T value) implements Parsed<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** An object that does not follow the API reference. */
  record Malformed<T>(String message) implements Parsed<T> {
    public Malformed {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Parses {@code json} (a {@code kind} object) with {@code parser}; a {@link Fields.Malformed}
   * failure becomes a value prefixed by the kind and the object's namespace/name.
   */
  static <T> Parsed<T> parse(String kind, Map<String, Object> json, Function<Fields, T> parser) {
    if (json == null) {
      return new Malformed<>(kind + ": null (expected: a JSON object)");
    }
    Fields root = Fields.root(json);
    try {
      return new Ok<>(parser.apply(root));
    } catch (Fields.Malformed e) {
      return new Malformed<>(kind + " " + describe(json) + ": " + e.getMessage());
    }
  }

  /** {@code namespace/name}, {@code name}, or {@code ?} as far as the metadata can be read. */
  private static String describe(Map<String, Object> json) {
    if (!(json.get("metadata") instanceof Map<?, ?> metadata)) {
      return "?";
    }
    Object name = metadata.get("name");
    Object namespace = metadata.get("namespace");
    String n = name instanceof String s ? s : "?";
    return namespace instanceof String ns ? ns + "/" + n : n;
  }
}
