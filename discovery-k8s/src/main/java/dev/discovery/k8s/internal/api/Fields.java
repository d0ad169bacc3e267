package dev.discovery.k8s.internal.api;

import dev.discovery.spi.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed reads from one JSON object of the Kubernetes API, as a {@code Map} tree from jackson-jr,
 * that know their path: a wrong field fails with {@link Malformed} naming it ({@code
 * endpoints[3].addresses[0]: "x" (expected: an IP address)}). An absent field or a JSON {@code
 * null} reads as {@code null}, an empty list or an empty object.
 */
final class Fields {
  private final Map<?, ?> map;
  private final String path;

  private Fields(Map<?, ?> map, String path) {
    this.map = map;
    this.path = path;
  }

  /** The top-level object. */
  static Fields root(Map<String, Object> map) {
    return new Fields(map, "");
  }

  /** The nested object at {@code key}, empty when absent. */
  Fields object(String key) {
    Object v = map.get(key);
    if (v == null) {
      return new Fields(Map.of(), at(key));
    }
    if (v instanceof Map<?, ?> m) {
      return new Fields(m, at(key));
    }
    throw malformed(at(key), v, "an object");
  }

  /** The objects of the list at {@code key}, empty when absent. */
  List<Fields> objects(String key) {
    List<?> list = list(key);
    List<Fields> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String p = at(key) + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw malformed(p, list.get(i), "an object");
      }
      out.add(new Fields(m, p));
    }
    return out;
  }

  /** The strings of the list at {@code key}, empty when absent. */
  List<String> strings(String key) {
    List<?> list = list(key);
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw malformed(at(key) + "[" + i + "]", list.get(i), "a string");
      }
      out.add(s);
    }
    return out;
  }

  /** The IP literals of the list at {@code key}, checked against {@code family} when not null. */
  List<InetAddress> ips(String key, String family) {
    List<String> texts = strings(key);
    List<InetAddress> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      out.add(ip(at(key) + "[" + i + "]", texts.get(i), family));
    }
    return out;
  }

  /** The IP literal at {@code key}, or null when absent. */
  InetAddress ip(String key) {
    String text = string(key);
    return text == null ? null : ip(at(key), text, null);
  }

  private static InetAddress ip(String path, String text, String family) {
    InetAddress ip = IpAddresses.parseLiteral(text);
    if (ip == null) {
      throw malformed(path, text, "an IP address");
    }
    if (family != null && !family.equals(ip instanceof java.net.Inet4Address ? "IPv4" : "IPv6")) {
      throw malformed(path, text, "an " + family + " address, as the addressType says");
    }
    return ip;
  }

  /** The string map at {@code key} (labels, selectors), empty when absent; sorted by key. */
  Map<String, String> stringMap(String key) {
    Fields o = object(key);
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : o.map.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw malformed(o.at(String.valueOf(e.getKey())), e.getValue(), "a string");
      }
      out.put(String.valueOf(e.getKey()), s);
    }
    return Collections.unmodifiableMap(out);
  }

  /** The string at {@code key}, or null. */
  String string(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw malformed(at(key), v, "a string");
  }

  /** The string at {@code key}, which must be present and not empty. */
  String requiredString(String key) {
    String s = string(key);
    if (s == null || s.isEmpty()) {
      throw new Malformed(at(key) + ": missing (expected: a string)");
    }
    return s;
  }

  /** The boolean at {@code key}, or null. */
  Boolean bool(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw malformed(at(key), v, "true or false");
  }

  /** The integer at {@code key} within {@code min..max}, or null. */
  Integer integer(String key, int min, int max) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long n = ((Number) v).longValue();
      if (n >= min && n <= max) {
        return (int) n;
      }
    }
    throw malformed(at(key), v, min + ".." + max);
  }

  /** The raw value at {@code key} (for int-or-string fields), or null. */
  Object raw(String key) {
    return map.get(key);
  }

  /** A failure at {@code key} of this object. */
  Malformed malformedAt(String key, Object value, String expected) {
    return malformed(at(key), value, expected);
  }

  private List<?> list(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return l;
    }
    throw malformed(at(key), v, "a list");
  }

  private String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static Malformed malformed(String path, Object value, String expected) {
    String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return new Malformed(path + ": " + shown + " (expected: " + expected + ")");
  }

  /** A field that is not what the API reference says; its message names the field. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
