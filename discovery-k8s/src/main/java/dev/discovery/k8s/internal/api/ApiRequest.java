package dev.discovery.k8s.internal.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One GET of the Kubernetes API, described well enough to build its path and to say in an error
 * what was asked: the verb RBAC checks ({@code get}, {@code list} or {@code watch}), the resource
 * and its group, the namespace ({@code null} for a cluster-scoped resource such as nodes) and the
 * query parameters in order.
 *
 * @param verb the RBAC verb: get, list or watch
 * @param group the API group, {@code ""} for the core group
 * @param version the group's version, as {@code v1}
 * @param resource the plural resource, as {@code endpointslices}
 * @param namespace the namespace, or {@code null} for a cluster-scoped resource
 * @param query query parameters, in order
 */
public record ApiRequest(
    String verb,
    String group,
    String version,
    String resource,
    String namespace,
    Map<String, String> query) {

  public ApiRequest {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(resource, "resource");
    query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
  }

  /**
   * The path and query, as {@code /apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?...}.
   */
  public String pathAndQuery() {
    StringBuilder path = new StringBuilder(group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    path.append(version);
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(resource);
    if (!query.isEmpty()) {
      path.append('?')
          .append(
              query.entrySet().stream()
                  .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                  .collect(Collectors.joining("&")));
    }
    return path.toString();
  }

  /** The resource as RBAC and kubectl name it: {@code endpointslices.discovery.k8s.io}. */
  public String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** Where: {@code in namespace shop}, or {@code cluster-wide}. */
  public String scope() {
    return namespace == null ? "cluster-wide" : "in namespace " + namespace;
  }

  /** For messages: {@code watch endpointslices.discovery.k8s.io in namespace shop}. */
  public String describe() {
    return verb + " " + qualifiedResource() + " " + scope();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
