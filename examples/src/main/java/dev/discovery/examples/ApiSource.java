package dev.discovery.examples;

import dev.discovery.api.Discovery;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.ApiResolverProvider;
import java.nio.file.Path;

/** docs/kubernetes-api.md: a {@link Discovery} with the Kubernetes API source configured. */
public final class ApiSource {
  private ApiSource() {}

  // snippet:api-provider
  static Discovery discovery(Path kubeconfig) {
    return Discovery.builder()
        .provider(
            ApiResolverProvider.builder()
                .kubeconfig(kubeconfig) // its current-context, or .context("prod")
                .namespace("shop") // for targets that name none, as in k8s+api:///web:http
                .accessMode(AccessMode.PODS) // for targets without ?access=
                .build())
        .build();
  }
  // end-snippet
}
