package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ObjectMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents a fake API server writes: objects, lists, watch events, {@code Status} objects
 * and discovery documents, shaped as the Kubernetes API server writes them.
 */
public final class ApiDocuments {
  /** The version {@code /version} reports. */
  public static final String KUBERNETES_VERSION = "v1.31.0";

  private static final ObjectMetadata NO_METADATA = new ObjectMetadata("", 0, Instant.EPOCH, null);

  private ApiDocuments() {}

  /** {@code document} as compact JSON. */
  /**
   * Writes {@code bytes} bytes of JSON: {@code head} (which opens a string), then padding letters
   * in 64 KiB chunks, then the quote and braces that close the string and every object {@code head}
   * opened. Stops with an IOException when the client goes away.
   */
  public static void writePadded(OutputStream out, String head, long bytes) throws IOException {
    byte[] start = head.getBytes(StandardCharsets.UTF_8);
    long opened = head.chars().filter(ch -> ch == '{').count();
    byte[] end = ("\"" + "}".repeat((int) opened)).getBytes(StandardCharsets.UTF_8);
    out.write(start);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'x');
    long left = bytes - start.length - end.length;
    while (left > 0) {
      int n = (int) Math.min(chunk.length, left);
      out.write(chunk, 0, n);
      left -= n;
    }
    out.write(end);
    out.flush();
  }

  public static byte[] write(Map<String, Object> document) {
    return ApiJson.write(document).getBytes(StandardCharsets.UTF_8);
  }

  /** The object as the API serves it. */
  public static Map<String, Object> object(StoredObject stored) {
    return ApiJson.toJson(stored.object(), stored.metadata());
  }

  /** The labels the object carries in the API, as {@link ApiJson} writes them. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> labels(ClusterObject o) {
    Map<String, Object> metadata =
        (Map<String, Object>) ApiJson.toJson(o, NO_METADATA).get("metadata");
    Map<String, String> labels = (Map<String, String>) metadata.get("labels");
    return labels == null ? Map.of() : labels;
  }

  /** A list of {@code resource} at {@code resourceVersion}. */
  public static Map<String, Object> list(
      ApiResource resource, long resourceVersion, List<StoredObject> items) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StoredObject s : items) {
      out.add(object(s));
    }
    return ApiJson.list(resource.kind() + "List", resource.apiVersion(), resourceVersion, out);
  }

  /** A {@code Status} of failure, with {@code details} (or none, when null). */
  public static Map<String, Object> status(
      int code, String reason, String message, Map<String, Object> details) {
    Map<String, Object> doc = ApiJson.status(code, reason, message);
    if (details != null) {
      doc.remove("code");
      doc.put("details", details);
      doc.put("code", code);
    }
    return doc;
  }

  /** {@code /version}. */
  public static Map<String, Object> version() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("major", "1");
    doc.put("minor", "31");
    doc.put("gitVersion", KUBERNETES_VERSION);
    doc.put("gitCommit", "0000000000000000000000000000000000000000");
    doc.put("gitTreeState", "clean");
    doc.put("buildDate", "2024-08-13T00:00:00Z");
    doc.put("goVersion", "go1.22.5");
    doc.put("compiler", "gc");
    doc.put("platform", "linux/amd64");
    return doc;
  }

  /** {@code /api}: the core group's versions. */
  public static Map<String, Object> apiVersions(String serverAddress) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIVersions");
    doc.put("versions", List.of("v1"));
    doc.put(
        "serverAddressByClientCIDRs",
        List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", serverAddress)));
    return doc;
  }

  /** {@code /apis}: the named groups. */
  public static Map<String, Object> apiGroupList() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    doc.put("groups", List.of(apiGroup("discovery.k8s.io")));
    return doc;
  }

  /** {@code /apis/<group>}. */
  public static Map<String, Object> apiGroup(String group) {
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("groupVersion", group + "/v1");
    version.put("version", "v1");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIGroup");
    doc.put("apiVersion", "v1");
    doc.put("name", group);
    doc.put("versions", List.of(version));
    doc.put("preferredVersion", version);
    return doc;
  }

  /** {@code /api/v1} or {@code /apis/<group>/v1}: the resources served there. */
  public static Map<String, Object> apiResourceList(String groupVersion, List<ApiResource> served) {
    List<Object> resources = new ArrayList<>();
    for (ApiResource r : served) {
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("name", r.plural());
      resource.put("singularName", r.singular());
      resource.put("namespaced", r.namespaced());
      resource.put("kind", r.kind());
      resource.put("verbs", ApiResource.VERBS);
      if (!r.shortNames().isEmpty()) {
        resource.put("shortNames", r.shortNames());
      }
      resources.add(resource);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", groupVersion);
    doc.put("resources", resources);
    return doc;
  }
}
