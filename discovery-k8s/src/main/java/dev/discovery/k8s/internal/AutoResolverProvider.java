package dev.discovery.k8s.internal;

import dev.discovery.api.Target;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.spi.Resolvers;
import java.util.Optional;

/**
 * The {@code k8s} scheme: picks the source and says which. The API source when it is installed and
 * this process runs in a cluster ({@code KUBERNETES_SERVICE_HOST} is set); else DNS, with the
 * reason in the snapshot's source ({@code dns (API source not installed)}).
 */
public final class AutoResolverProvider implements ResolverProvider {
  static final String IN_CLUSTER_VARIABLE = "KUBERNETES_SERVICE_HOST";

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
    return ServiceTargets.resolver(target, t -> choose(t, context));
  }

  private Resolver choose(KubernetesTarget st, ResolverContext context) {
    ResolverRegistry registry = context.registry();
    Optional<ResolverProvider> api = registry.provider(KubernetesTarget.K8S_API);
    boolean inCluster = context.environment().variable(IN_CLUSTER_VARIABLE).isPresent();
    if (api.isPresent() && inCluster) {
      // The delegate gets the target as written (k8s:///...), so its messages name what the user
      // watched.
      return Resolvers.withSourceReason(api.get().newResolver(st, context), "in a cluster");
    }
    Optional<ResolverProvider> dns = registry.provider(KubernetesTarget.K8S_DNS);
    if (dns.isEmpty()) {
      return Resolvers.failing(Resolvers.noResolver(KubernetesTarget.K8S_DNS, registry));
    }
    String reason =
        api.isEmpty()
            ? "API source not installed"
            : "not in a cluster: " + IN_CLUSTER_VARIABLE + " is not set";
    return Resolvers.withSourceReason(dns.get().newResolver(st, context), reason);
  }
}
