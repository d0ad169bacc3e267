package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RbacHintTest {

  @Test
  void namespaced_serviceAccount_roleAndBinding() {
    RbacHint hint =
        RbacHint.forbidden(
            "watch",
            "endpointslices",
            "discovery.k8s.io",
            "shop",
            "system:serviceaccount:shop:web");
    assertThat(hint.summary())
        .isEqualTo(
            "forbidden: system:serviceaccount:shop:web cannot watch endpointslices.discovery.k8s.io in namespace shop"
                + " (expected: a Role granting get, list, watch on endpointslices.discovery.k8s.io, bound to this identity:"
                + " kubectl create role discovery-reader -n shop --verb=get,list,watch --resource=endpointslices.discovery.k8s.io"
                + " && kubectl create rolebinding discovery-reader -n shop --role=discovery-reader --serviceaccount=shop:web)");
    assertThat(hint.yaml())
        .isEqualTo(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: discovery-reader
              namespace: shop
            rules:
            - apiGroups: ["discovery.k8s.io"]
              resources: ["endpointslices"]
              verbs: ["get", "list", "watch"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: discovery-reader
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: web
              namespace: shop
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: discovery-reader
            """);
    assertThat(hint.message()).isEqualTo(hint.summary() + "\n" + hint.yaml());
  }

  @Test
  void clusterScoped_coreGroup_unknownUser_clusterRoleWithPlaceholder() {
    RbacHint hint = RbacHint.forbidden("list", "nodes", "", null);
    assertThat(hint.summary())
        .startsWith("forbidden: cannot list nodes cluster-wide (expected: a ClusterRole")
        .contains(
            "kubectl create clusterrole discovery-reader --verb=get,list,watch --resource=nodes")
        .contains("--clusterrole=discovery-reader --serviceaccount=<namespace>:<service-account>)")
        .doesNotContain("\n");
    assertThat(hint.yaml())
        .contains("kind: ClusterRole\n")
        .contains("- apiGroups: [\"\"]\n  resources: [\"nodes\"]")
        .contains("kind: ClusterRoleBinding\n")
        .doesNotContain("namespace: null");
  }
}
