package dev.discovery.k8s.internal.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The RBAC rule a 403 asks for, as one line of YAML (flow style, so it pastes into a Role's {@code
 * rules:} list): a Role in the namespace for a namespaced resource, a ClusterRole for a
 * cluster-scoped one. The API source needs {@code get}, {@code list} and {@code watch} on each
 * resource it reads, so the rule grants all three whichever verb was refused.
 */
final class RbacHint {
  static final List<String> VERBS = List.of("get", "list", "watch");

  private RbacHint() {}

  /** As {@code {apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: [...]}}. */
  static String rule(String group, String resource) {
    return "{apiGroups: [\""
        + group
        + "\"], resources: [\""
        + resource
        + "\"], verbs: ["
        + VERBS.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "))
        + "]}";
  }

  /** What to grant, as {@code a Role in namespace shop with the rule {...}}. */
  static String grant(ApiRequest request) {
    String holder =
        request.namespace() == null
            ? "a ClusterRole"
            : "a Role in namespace " + request.namespace();
    return holder + " with the rule " + rule(request.group(), request.resource());
  }
}
