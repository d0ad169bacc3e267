package dev.discovery.grpc.internal;

import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import io.grpc.Metadata;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A policy as a channel runs it: the configured policy and, for a keyed policy, the request header
 * its key comes from.
 *
 * <p>The rule for every policy's JSON object, built-in or not: a keyed policy ({@link
 * Policy#keyed()}) takes a required {@code header} option, read here; the rest goes to {@link
 * Policies#configure(Policy, Map)} (which gives every keyed policy affinity options, then hands the
 * rest to the policy itself).
 *
 * @param policy the configured policy
 * @param header the key's header, or {@code null} (unkeyed policy, or no configuration given)
 */
public record PolicyConfig(Policy policy, Metadata.Key<String> header) {
  static final String HEADER = "header";

  public PolicyConfig {
    Objects.requireNonNull(policy, "policy");
  }

  /** {@code policy} with no options: what a channel gets with no configuration. */
  static PolicyConfig unconfigured(Policy policy) {
    return new PolicyConfig(policy, null);
  }

  /**
   * Parses {@code json} for {@code policy}.
   *
   * @throws IllegalArgumentException naming the bad option and what was expected
   */
  public static PolicyConfig parse(Policy policy, Map<String, ?> json) {
    if (!policy.keyed()) {
      return new PolicyConfig(Policies.configure(policy, json), null);
    }
    Object header = json.get(HEADER);
    if (header == null) {
      throw new IllegalArgumentException(
          "header: missing for policy "
              + policy.name()
              + " (expected: the name of the request header that carries the key, such as"
              + " \"x-session-id\")");
    }
    if (!(header instanceof String name)) {
      throw new IllegalArgumentException(
          "header: " + header + " (expected: a header name as a string, such as \"x-session-id\")");
    }
    Metadata.Key<String> key = Metadata.Key.of(headerName(name), Metadata.ASCII_STRING_MARSHALLER);
    Map<String, Object> rest = new LinkedHashMap<>(json);
    rest.remove(HEADER);
    return new PolicyConfig(Policies.configure(policy, rest), key);
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
    return policy + (header == null ? "" : " keyed by header " + header.name());
  }
}
