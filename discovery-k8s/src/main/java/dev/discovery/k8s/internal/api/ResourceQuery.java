package dev.discovery.k8s.internal.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link ResourceWatch} lists and watches: a resource in a namespace (or cluster-wide),
 * narrowed by a label and/or field selector.
 *
 * @param group the API group, {@code ""} for the core group
 * @param version the group's version
 * @param resource the plural resource
 * @param namespace the namespace, or {@code null} for a cluster-scoped resource
 * @param labelSelector a label selector, or {@code null}
 * @param fieldSelector a field selector, or {@code null}
 */
public record ResourceQuery(
    String group,
    String version,
    String resource,
    String namespace,
    String labelSelector,
    String fieldSelector) {

  public ResourceQuery {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(resource, "resource");
  }

  /** The EndpointSlices of one Service. */
  public static ResourceQuery endpointSlices(String namespace, String service) {
    return new ResourceQuery(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        Objects.requireNonNull(namespace, "namespace"),
        "kubernetes.io/service-name=" + Objects.requireNonNull(service, "service"),
        null);
  }

  /** One Service, by name (a list of at most one, so that it can be watched). */
  public static ResourceQuery service(String namespace, String name) {
    return new ResourceQuery(
        "",
        "v1",
        "services",
        Objects.requireNonNull(namespace, "namespace"),
        null,
        "metadata.name=" + Objects.requireNonNull(name, "name"));
  }

  /** All Nodes (cluster-scoped). */
  public static ResourceQuery nodes() {
    return new ResourceQuery("", "v1", "nodes", null, null, null);
  }

  /** One Node, by name (cluster-scoped; a list of at most one, so that it can be watched). */
  public static ResourceQuery node(String name) {
    return new ResourceQuery(
        "", "v1", "nodes", null, null, "metadata.name=" + Objects.requireNonNull(name, "name"));
  }

  /** The list request. */
  public ApiRequest list() {
    return request("list", Map.of());
  }

  /** A watch request with these parameters after the selectors. */
  public ApiRequest watch(Map<String, String> parameters) {
    return request("watch", parameters);
  }

  private ApiRequest request(String verb, Map<String, String> parameters) {
    Map<String, String> query = new LinkedHashMap<>();
    if (labelSelector != null) {
      query.put("labelSelector", labelSelector);
    }
    if (fieldSelector != null) {
      query.put("fieldSelector", fieldSelector);
    }
    query.putAll(parameters);
    return new ApiRequest(verb, group, version, resource, namespace, query);
  }
}
