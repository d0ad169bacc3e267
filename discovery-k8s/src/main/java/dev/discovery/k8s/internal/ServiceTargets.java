package dev.discovery.k8s.internal;

import dev.discovery.api.ResolutionError;
import dev.discovery.api.Target;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.Resolvers;
import java.util.function.Function;

/** What the Kubernetes schemes' providers share. */
public final class ServiceTargets {
  private ServiceTargets() {}

  /**
   * {@code make}'s resolver of {@code target} when it names a Service; else one that reports
   * MISCONFIGURED (a caller built a target of the scheme by hand, of another grammar).
   */
  public static Resolver resolver(Target target, Function<KubernetesTarget, Resolver> make) {
    if (target instanceof KubernetesTarget t) {
      return make.apply(t);
    }
    return Resolvers.failing(
        ResolutionError.misconfigured(
            "target "
                + target
                + " is not a Service name (expected: "
                + target.scheme()
                + ":///<service>...)"));
  }
}
