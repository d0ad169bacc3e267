package dev.discovery.cli;

import dev.discovery.api.Target;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.Resolvers;

/**
 * The {@code k8s} scheme when an option of the API source is given: whoever types {@code
 * --kubeconfig} or {@code --api-server} asks for the API, so the scheme does not fall back to DNS
 * outside a cluster. The snapshot's source says why: {@code api (--kubeconfig given)}.
 */
final class ChosenApiProvider implements ResolverProvider {
  private final ApiResolverProvider api;
  private final String reason;

  ChosenApiProvider(ApiResolverProvider api, String reason) {
    this.api = api;
    this.reason = reason;
  }

  @Override
  public String scheme() {
    return KubernetesTarget.K8S;
  }

  @Override
  public Target parse(String target) {
    return KubernetesTarget.parse(target);
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    return Resolvers.withSourceReason(api.newResolver(target, context), reason);
  }
}
