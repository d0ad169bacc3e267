package dev.discovery.testkit.internal;

import java.util.List;
import java.util.Map;

/**
 * Where a request goes: a discovery document, a resource (a collection or one object), or nowhere.
 *
 * @param discovery the discovery document's path ({@code /api}, {@code /version}...), or null
 * @param resource the resource, or null
 * @param namespace the namespace in the path, or null
 * @param name the object's name in the path, or null for a collection
 */
public record ApiRoute(String discovery, ApiResource resource, String namespace, String name) {
  private static final List<String> DISCOVERY =
      List.of(
          "/version",
          "/api",
          "/api/v1",
          "/apis",
          "/apis/discovery.k8s.io",
          "/apis/discovery.k8s.io/v1");

  /** The route of {@code path}, or null if the server serves nothing there. */
  public static ApiRoute of(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (DISCOVERY.contains(p)) {
      return new ApiRoute(p, null, null, null);
    }
    for (String prefix : List.of("/api/v1/", "/apis/discovery.k8s.io/v1/")) {
      if (p.startsWith(prefix)) {
        return resource(prefix.substring(0, prefix.length() - 1), p.substring(prefix.length()));
      }
    }
    return null;
  }

  private static ApiRoute resource(String groupVersionPath, String rest) {
    String[] s = rest.split("/", -1);
    for (String segment : s) {
      if (segment.isEmpty()) {
        return null;
      }
    }
    if (s.length >= 3 && s[0].equals("namespaces")) {
      ApiResource r = ApiResource.find(groupVersionPath, s[2]);
      if (r == null || !r.namespaced() || s.length > 4) {
        return null;
      }
      return new ApiRoute(null, r, s[1], s.length == 4 ? s[3] : null);
    }
    ApiResource r = ApiResource.find(groupVersionPath, s[0]);
    if (r == null || s.length > 2 || (s.length == 2 && r.namespaced())) {
      return null;
    }
    return new ApiRoute(null, r, null, s.length == 2 ? s[1] : null);
  }

  /** The discovery document this route names, for the server at {@code address}. */
  public Map<String, Object> discoveryDocument(String address) {
    return switch (discovery) {
      case "/version" -> ApiDocuments.version();
      case "/api" -> ApiDocuments.apiVersions(address);
      case "/apis" -> ApiDocuments.apiGroupList();
      case "/apis/discovery.k8s.io" -> ApiDocuments.apiGroup("discovery.k8s.io");
      default -> {
        String gv = discovery.equals("/api/v1") ? "v1" : "discovery.k8s.io/v1";
        yield ApiDocuments.apiResourceList(gv, ApiResource.under(discovery));
      }
    };
  }
}
