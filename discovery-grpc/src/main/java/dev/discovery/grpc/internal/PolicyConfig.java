package dev.discovery.grpc.internal;

import dev.discovery.api.Policy;
import dev.discovery.api.internal.StickyPickerFactory;
import io.grpc.Metadata;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A policy as a channel runs it: the configured picker factory and, for a keyed policy, the request
 * header its key comes from.
 *
 * <p>The rule for every policy's JSON object: a keyed policy ({@link Policy#keyed()}) takes a
 * required {@code header} option, read here; every other option goes to {@link
 * Policy#configure(Map)}.
 *
 * @param factory the configured policy
 * @param header the key's header, or {@code null} (unkeyed policy, or no configuration given)
 */
public record PolicyConfig(Policy factory, Metadata.Key<String> header) {
  static final String HEADER = "header";

  public PolicyConfig {
    Objects.requireNonNull(factory, "factory");
  }

  /** {@code factory} with no options: what a channel gets with no configuration. */
  static PolicyConfig unconfigured(Policy factory) {
    return new PolicyConfig(factory, null);
  }

  /**
   * Parses {@code json} for {@code factory}.
   *
   * @throws IllegalArgumentException naming the bad option and what was expected
   */
  static PolicyConfig parse(Policy factory, Map<String, ?> json) {
    if (!factory.keyed()) {
      return new PolicyConfig(factory.configure(json), null);
    }
    Object header = json.get(HEADER);
    if (header == null) {
      throw new IllegalArgumentException(
          "header: missing for policy "
              + factory.name()
              + " (expected: the name of the request header that carries the key, such as"
              + " \"x-session-id\")");
    }
    if (!(header instanceof String name)) {
      throw new IllegalArgumentException(
          "header: " + header + " (expected: a header name as a string, such as \"x-session-id\")");
    }
    Metadata.Key<String> key = Metadata.Key.of(headerName(name), Metadata.ASCII_STRING_MARSHALLER);
    Policy configured;
    if (factory instanceof StickyPickerFactory sticky) {
      configured = sticky.configure(json, Set.of(HEADER));
    } else {
      Map<String, Object> rest = new LinkedHashMap<>(json);
      rest.remove(HEADER);
      configured = factory.configure(rest);
    }
    return new PolicyConfig(configured, key);
  }

  /** {@code sticky}'s JSON object parsed. */
  public static PolicyConfig sticky(Map<String, ?> json) {
    return parse(StickyPickerFactory.PURE, json);
  }

  /**
   * {@code name} in lower case, if it is a valid name for an ASCII request header.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static String headerName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    String problem = null;
    if (n.isEmpty()) {
      problem = "is empty";
    } else if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      problem = "is a binary header (ends with -bin)";
    } else if (n.startsWith("grpc-")) {
      problem = "is reserved by gRPC (starts with grpc-)";
    } else {
      for (int i = 0; i < n.length(); i++) {
        char c = n.charAt(i);
        if (!((c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9')
            || c == '-'
            || c == '_'
            || c == '.')) {
          problem = "has '" + c + "'";
          break;
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "header: \""
              + name
              + "\" "
              + problem
              + " (expected: an ASCII header name of a-z, 0-9, '-', '_' and '.', such as"
              + " \"x-session-id\")");
    }
    return n;
  }

  @Override
  public String toString() {
    return factory + (header == null ? "" : " keyed by header " + header.name());
  }
}
