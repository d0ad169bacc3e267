package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.Namespace;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.util.List;

/** The resources the fake API server serves, with what discovery documents say of them. */
public enum ApiResource {
  NAMESPACES("", "namespaces", "namespace", "Namespace", false, List.of("ns"), Namespace.class),
  NODES("", "nodes", "node", "Node", false, List.of("no"), Node.class),
  PODS("", "pods", "pod", "Pod", true, List.of("po"), Pod.class),
  SERVICES("", "services", "service", "Service", true, List.of("svc"), Service.class),
  ENDPOINTSLICES(
      "discovery.k8s.io",
      "endpointslices",
      "endpointslice",
      "EndpointSlice",
      true,
      List.of(),
      EndpointSlice.class);

  /** The verbs served on every resource. */
  public static final List<String> VERBS = List.of("get", "list", "watch");

  private final String group;
  private final String plural;
  private final String singular;
  private final String kind;
  private final boolean namespaced;
  private final List<String> shortNames;
  private final Class<? extends ClusterObject> type;

  ApiResource(
      String group,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      Class<? extends ClusterObject> type) {
    this.group = group;
    this.plural = plural;
    this.singular = singular;
    this.kind = kind;
    this.namespaced = namespaced;
    this.shortNames = shortNames;
    this.type = type;
  }

  /** The API group: {@code ""} for the core group. */
  public String group() {
    return group;
  }

  /** {@code v1}, or {@code discovery.k8s.io/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? "v1" : group + "/v1";
  }

  /** The path the group version is served under: {@code /api/v1} or {@code /apis/<group>/v1}. */
  public String groupVersionPath() {
    return group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1";
  }

  public String plural() {
    return plural;
  }

  public String singular() {
    return singular;
  }

  public String kind() {
    return kind;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public List<String> shortNames() {
    return shortNames;
  }

  /** How error messages name it: {@code services}, {@code endpointslices.discovery.k8s.io}. */
  public String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** Whether {@code object} is of this resource. */
  public boolean holds(ClusterObject object) {
    return type.isInstance(object);
  }

  /** The resource of {@code object}. */
  public static ApiResource of(ClusterObject object) {
    for (ApiResource r : values()) {
      if (r.holds(object)) {
        return r;
      }
    }
    throw new IllegalArgumentException("object: " + object.kind() + " (expected: a served kind)");
  }

  /** The resource served as {@code plural} under {@code groupVersionPath}, or {@code null}. */
  public static ApiResource find(String groupVersionPath, String plural) {
    for (ApiResource r : values()) {
      if (r.groupVersionPath().equals(groupVersionPath) && r.plural.equals(plural)) {
        return r;
      }
    }
    return null;
  }

  /** The resources of the group version served under {@code groupVersionPath}. */
  public static List<ApiResource> under(String groupVersionPath) {
    return java.util.Arrays.stream(values())
        .filter(r -> r.groupVersionPath().equals(groupVersionPath))
        .toList();
  }
}
