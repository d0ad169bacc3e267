package dev.discovery.testkit.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ObjectMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API's JSON for the objects of a {@code FakeCluster}, as the API server writes it:
 * fields in the server's order, absent ones left out ({@code omitempty}), resource versions as
 * strings, times in RFC 3339 to the second. Documents are {@code Map<String, Object>} trees of
 * maps, lists, strings, numbers and booleans.
 */
public final class ApiJson {
  private static final JSON JSON_WRITER = JSON.std;

  private ApiJson() {}

  /** The object as the API server writes it, with {@code meta} in its {@code metadata}. */
  public static Map<String, Object> toJson(ClusterObject object, ObjectMetadata meta) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", object.kind());
    doc.put("apiVersion", "v1");
    doc.put("metadata", metadata(object, meta, Map.of()));
    return doc;
  }

  /**
   * A {@code Status} failure as the API server writes it: {@code {"kind":"Status","apiVersion":
   * "v1","metadata":{},"status":"Failure","message":...,"reason":...,"code":...}}.
   */
  public static Map<String, Object> status(int code, String reason, String message) {
    return status(code, reason, message, null, null, null);
  }

  /**
   * A {@code Status} failure about one object, with {@code details} ({@code name}, {@code group},
   * {@code kind}), as the server writes a NotFound or AlreadyExists. Null parts are left out.
   */
  public static Map<String, Object> status(
      int code, String reason, String message, String name, String group, String kind) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "Status");
    doc.put("apiVersion", "v1");
    doc.put("metadata", new LinkedHashMap<>());
    doc.put("status", "Failure");
    putIfPresent(doc, "message", message);
    putIfPresent(doc, "reason", reason);
    if (name != null || group != null || kind != null) {
      Map<String, Object> details = new LinkedHashMap<>();
      putIfPresent(details, "name", name);
      putIfPresent(details, "group", group);
      putIfPresent(details, "kind", kind);
      doc.put("details", details);
    }
    doc.put("code", code);
    return doc;
  }

  /**
   * A list as the server writes it: {@code {"kind":"EndpointSliceList","apiVersion":
   * "discovery.k8s.io/v1","metadata":{"resourceVersion":"42"},"items":[...]}}.
   */
  public static Map<String, Object> list(
      String kind, String apiVersion, long resourceVersion, List<Map<String, Object>> items) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", kind);
    doc.put("apiVersion", apiVersion);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", Long.toString(resourceVersion));
    doc.put("metadata", meta);
    doc.put("items", List.copyOf(items));
    return doc;
  }

  /** {@code doc} as compact JSON on one line. */
  public static String write(Map<String, Object> doc) {
    try {
      return JSON_WRITER.asString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one JSON document into a tree of maps and lists. */
  public static Map<String, Object> read(String json) {
    try {
      return JSON_WRITER.mapFrom(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("json: " + e.getMessage() + " (expected: a JSON object)");
    }
  }

  private static Map<String, Object> metadata(
      ClusterObject object, ObjectMetadata meta, Map<String, String> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", object.name());
    putIfPresent(m, "namespace", object.namespace());
    m.put("uid", meta.uid());
    m.put("resourceVersion", Long.toString(meta.resourceVersion()));
    m.put("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(meta.creationTimestamp()));
    if (!labels.isEmpty()) {
      m.put("labels", new LinkedHashMap<>(labels));
    }
    return m;
  }

  private static void putIfPresent(Map<String, Object> doc, String key, Object value) {
    if (value != null) {
      doc.put(key, value);
    }
  }
}
