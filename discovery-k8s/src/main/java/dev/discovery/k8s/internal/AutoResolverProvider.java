package dev.discovery.k8s.internal;

import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.Target;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.spi.Resolvers;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code k8s} scheme: picks the source and says which, in the snapshot's source.
 *
 * <ul>
 *   <li>The API source when it is installed and this process runs in a cluster ({@code
 *       KUBERNETES_SERVICE_HOST} is set) or has a kubeconfig ({@code KUBECONFIG} set, or {@code
 *       ~/.kube/config} present): {@code k8s+api (in a cluster)}. If its first answer is a refusal
 *       (401, 403) or a configuration error, it falls back to DNS for good, saying why: {@code
 *       k8s+dns (API: forbidden: ... cannot list endpointslices.discovery.k8s.io in namespace
 *       shop)}, logged once.
 *   <li>Else DNS, with the reason: {@code dns (API source not installed)}, {@code dns (not in a
 *       cluster, no kubeconfig)}.
 * </ul>
 *
 * A target whose access mode is {@code nodePort} or {@code loadBalancer} never falls back: DNS
 * cannot serve it, and the API's error is reported instead.
 */
public final class AutoResolverProvider implements ResolverProvider {
  private static final Logger log = LoggerFactory.getLogger(AutoResolverProvider.class);
  static final String IN_CLUSTER_VARIABLE = "KUBERNETES_SERVICE_HOST";
  static final String KUBECONFIG_VARIABLE = "KUBECONFIG";

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
    boolean podsOnly = st.access() == null || st.access() == AccessMode.PODS;
    Optional<String> why = api.isPresent() ? apiReason(context.environment()) : Optional.empty();
    if (why.isPresent()) {
      log.info("{}: source api ({})", st, why.get());
      // The delegates get the target as written (k8s:///...), so their messages name what the
      // user watched.
      Resolver primary = Resolvers.withSourceReason(api.get().newResolver(st, context), why.get());
      if (!podsOnly) {
        return primary;
      }
      return new FallbackResolver(
          primary,
          error ->
              error.kind() == ResolutionError.Kind.PERMISSION_DENIED
                  || error.kind() == ResolutionError.Kind.MISCONFIGURED,
          error -> dns(st, context, "API: " + firstClause(error.message())),
          context.syncContext(),
          st.toString());
    }
    String reason = api.isEmpty() ? "API source not installed" : "not in a cluster, no kubeconfig";
    if (!podsOnly) {
      return Resolvers.failing(
          ResolutionError.misconfigured(
              "access: "
                  + st.access().spelling()
                  + " needs the API source, which "
                  + st
                  + " cannot use ("
                  + reason
                  + ")"));
    }
    log.info("{}: source dns ({})", st, reason);
    return dns(st, context, reason);
  }

  private static Resolver dns(KubernetesTarget st, ResolverContext context, String reason) {
    ResolverRegistry registry = context.registry();
    Optional<ResolverProvider> dns = registry.provider(KubernetesTarget.K8S_DNS);
    if (dns.isEmpty()) {
      return Resolvers.failing(Resolvers.noResolver(KubernetesTarget.K8S_DNS, registry));
    }
    return Resolvers.withSourceReason(dns.get().newResolver(st, context), reason);
  }

  /** Why the API source applies here, if it does. */
  private static Optional<String> apiReason(Environment env) {
    if (env.variable(IN_CLUSTER_VARIABLE).isPresent()) {
      return Optional.of("in a cluster");
    }
    if (env.variable(KUBECONFIG_VARIABLE).filter(v -> !v.isBlank()).isPresent()) {
      return Optional.of("kubeconfig from " + KUBECONFIG_VARIABLE);
    }
    Optional<Path> home = env.variable("HOME").or(() -> env.variable("USERPROFILE")).map(Path::of);
    if (home.isPresent()) {
      Path file = home.get().resolve(".kube").resolve("config");
      if (env.file(file).isPresent()) {
        return Optional.of("kubeconfig " + file);
      }
    }
    return Optional.empty();
  }

  /** An error's message up to its first {@code ;} or {@code (expected}: what went wrong. */
  static String firstClause(String message) {
    int end = message.length();
    int semicolon = message.indexOf(';');
    if (semicolon >= 0) {
      end = semicolon;
    }
    int expected = message.indexOf(" (expected");
    if (expected >= 0 && expected < end) {
      end = expected;
    }
    return message.substring(0, end).strip();
  }
}
