package dev.discovery.testkit.internal;

import dev.discovery.spi.IpAddresses;
import dev.discovery.testkit.ClusterObject;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks of Kubernetes object fields, each throwing {@link IllegalArgumentException} with a message
 * naming the field, the value and what was expected: {@code port: 70000 (expected: 1..65535)}.
 */
public final class Validation {
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  /** What a DNS-1123 label is, for messages. */
  public static final String DNS_1123_LABEL_FORM =
      "a DNS-1123 label: at most 63 characters of a-z, 0-9 and '-', starting and ending with a"
          + " letter or digit";

  /** What a DNS-1035 label is, for messages. */
  public static final String DNS_1035_LABEL_FORM =
      "a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter and"
          + " ending with a letter or digit";

  /** What a DNS-1123 subdomain is, for messages. */
  public static final String DNS_1123_SUBDOMAIN_FORM =
      "a DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels";

  private Validation() {}

  /** {@code value} as a DNS-1123 label (namespaces, hostnames, port names). */
  public static String dns1123Label(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.length() > 63 || !DNS_1123_LABEL.matcher(value).matches()) {
      throw invalid(field, quote(value), DNS_1123_LABEL_FORM);
    }
    return value;
  }

  /** {@code value} as a DNS-1035 label (Service names). */
  public static String dns1035Label(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.length() > 63 || !DNS_1035_LABEL.matcher(value).matches()) {
      throw invalid(field, quote(value), DNS_1035_LABEL_FORM);
    }
    return value;
  }

  /** {@code value} as a DNS-1123 subdomain (Pod and Node names, ExternalName targets). */
  public static String dns1123Subdomain(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isEmpty() || value.length() > 253) {
      throw invalid(field, quote(value), DNS_1123_SUBDOMAIN_FORM);
    }
    for (String label : value.split("\\.", -1)) {
      if (label.length() > 63 || !DNS_1123_LABEL.matcher(label).matches()) {
        throw invalid(field, quote(value), DNS_1123_SUBDOMAIN_FORM);
      }
    }
    return value;
  }

  /** A port number, 1..65535. */
  public static int port(String field, int port) {
    if (port < 1 || port > 65535) {
      throw invalid(field, Integer.toString(port), "1..65535");
    }
    return port;
  }

  /** A DNS TTL: whole seconds in 0..2^31-1 (RFC 2181 §8); returns the seconds. */
  public static long ttlSeconds(java.time.Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.getNano() != 0 || ttl.getSeconds() > Integer.MAX_VALUE) {
      throw invalid("ttl", ttl.toString(), "whole seconds in 0..2147483647");
    }
    return ttl.getSeconds();
  }

  /** A copy of {@code labels}, sorted by key, every key and value checked. */
  public static Map<String, String> labels(String field, Map<String, String> labels) {
    Objects.requireNonNull(labels, field);
    TreeMap<String, String> copy = new TreeMap<>();
    labels.forEach(
        (k, v) -> {
          labelKey(field, k);
          labelValue(field, k, v);
          copy.put(k, v);
        });
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** A label key: an optional DNS-1123 subdomain prefix and '/', then a name of 1..63. */
  public static void labelKey(String field, String key) {
    Objects.requireNonNull(key, field + " key");
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      try {
        dns1123Subdomain(field + " key prefix", prefix);
      } catch (IllegalArgumentException e) {
        throw invalid(
            field + " key",
            quote(key),
            "an optional DNS-1123 subdomain prefix and '/', then a name");
      }
      name = key.substring(slash + 1);
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      throw invalid(
          field + " key",
          quote(key),
          "a name of at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending"
              + " with a letter or digit, with an optional DNS-1123 subdomain prefix and '/'");
    }
  }

  /** A label value: empty, or 1..63 characters like a label name. */
  public static void labelValue(String field, String key, String value) {
    Objects.requireNonNull(value, field + " value of " + key);
    if (!value.isEmpty() && (value.length() > 63 || !LABEL_NAME.matcher(value).matches())) {
      throw invalid(
          field + " value of " + key,
          quote(value),
          "empty, or at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and"
              + " ending with a letter or digit");
    }
  }

  /** Parses an IP literal, never looking a name up. */
  public static InetAddress ip(String field, String text) {
    Objects.requireNonNull(text, field);
    InetAddress a = IpAddresses.parseLiteral(text);
    if (a == null) {
      throw invalid(field, quote(text), "an IPv4 or IPv6 address literal");
    }
    return a;
  }

  /** {@code field: value (expected: expected)}. */
  public static IllegalArgumentException invalid(String field, String value, String expected) {
    return new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
  }

  /** {@code "value"}. */
  public static String quote(String value) {
    return "\"" + value + "\"";
  }

  /** How messages name an object: {@code pod shop/web-0}, {@code node node-1}. */
  public static String owner(ClusterObject o) {
    return o.kind().toLowerCase(Locale.ROOT) + " " + o.id();
  }
}
