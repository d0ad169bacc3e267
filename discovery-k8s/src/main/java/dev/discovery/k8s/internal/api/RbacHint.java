package dev.discovery.k8s.internal.api;

import java.util.Objects;

/**
 * What to say when the API server answers 403: what was refused, and the RBAC objects that would
 * allow it (the source needs {@code get}, {@code list} and {@code watch} on what it reads).
 *
 * @param summary one line: what was refused, and a kubectl command that grants it
 * @param yaml the Role (or ClusterRole, for a cluster-scoped resource) and its binding, as YAML
 */
public record RbacHint(String summary, String yaml) {
  private static final String ROLE = "discovery-reader";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /** {@link #summary()}, then the YAML on the following lines. */
  public String message() {
    return summary + "\n" + yaml;
  }

  /** As {@link #forbidden(String, String, String, String, String)}, for an unknown user. */
  public static RbacHint forbidden(
      String verb, String resource, String apiGroup, String namespace) {
    return forbidden(verb, resource, apiGroup, namespace, null);
  }

  /**
   * The hint for a refused request.
   *
   * @param verb what was refused: {@code list}, {@code watch}, {@code get}
   * @param resource the plural resource, e.g. {@code endpointslices}
   * @param apiGroup its group, {@code ""} for the core group
   * @param namespace the namespace, or {@code null} for a cluster-scoped resource (nodes)
   * @param user the user the server named (e.g. {@code system:serviceaccount:shop:web}), or {@code
   *     null}
   */
  public static RbacHint forbidden(
      String verb, String resource, String apiGroup, String namespace, String user) {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(apiGroup, "apiGroup");
    boolean cluster = namespace == null;
    String kind = cluster ? "ClusterRole" : "Role";
    String qualified = apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
    String where = cluster ? "cluster-wide" : "in namespace " + namespace;

    String saNamespace = null;
    String saName = null;
    if (user != null && user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      if (parts.length == 2) {
        saNamespace = parts[0];
        saName = parts[1];
      }
    }
    String subjectFlag =
        saName != null
            ? " --serviceaccount=" + saNamespace + ":" + saName
            : user != null ? " --user=" + user : " --serviceaccount=<namespace>:<service-account>";

    String summary =
        "forbidden: "
            + (user == null ? "" : user + " ")
            + "cannot "
            + verb
            + " "
            + qualified
            + " "
            + where
            + " (expected: a "
            + kind
            + " granting get, list, watch on "
            + qualified
            + ", bound to this identity: kubectl create "
            + kind.toLowerCase(java.util.Locale.ROOT)
            + " "
            + ROLE
            + (cluster ? "" : " -n " + namespace)
            + " --verb=get,list,watch --resource="
            + qualified
            + " && kubectl create "
            + kind.toLowerCase(java.util.Locale.ROOT)
            + "binding "
            + ROLE
            + (cluster ? "" : " -n " + namespace)
            + " --"
            + kind.toLowerCase(java.util.Locale.ROOT)
            + "="
            + ROLE
            + subjectFlag
            + ")";

    String metadata =
        "metadata:\n  name: " + ROLE + "\n" + (cluster ? "" : "  namespace: " + namespace + "\n");
    String subject =
        saName != null
            ? "- kind: ServiceAccount\n  name: " + saName + "\n  namespace: " + saNamespace + "\n"
            : user != null
                ? "- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: " + user + "\n"
                : "- kind: ServiceAccount\n  name: <service-account>\n  namespace: <its namespace>\n";
    String yaml =
        "apiVersion: rbac.authorization.k8s.io/v1\n"
            + "kind: "
            + kind
            + "\n"
            + metadata
            + "rules:\n"
            + "- apiGroups: [\""
            + apiGroup
            + "\"]\n"
            + "  resources: [\""
            + resource
            + "\"]\n"
            + "  verbs: [\"get\", \"list\", \"watch\"]\n"
            + "---\n"
            + "apiVersion: rbac.authorization.k8s.io/v1\n"
            + "kind: "
            + kind
            + "Binding\n"
            + metadata
            + "subjects:\n"
            + subject
            + "roleRef:\n"
            + "  apiGroup: rbac.authorization.k8s.io\n"
            + "  kind: "
            + kind
            + "\n"
            + "  name: "
            + ROLE
            + "\n";
    return new RbacHint(summary, yaml);
  }
}
