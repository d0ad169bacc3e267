package dev.discovery.spi;

import dev.discovery.api.ResolutionError;
import dev.discovery.api.Target;

/**
 * Makes {@link Resolver}s for one target scheme. Found by {@link java.util.ServiceLoader} (declare
 * it in {@code META-INF/services/dev.discovery.spi.ResolverProvider} and in {@code module-info}
 * {@code provides}), or registered on a {@link ResolverRegistry} by hand.
 *
 * <p>Implementations are thread-safe and cheap to create; {@link #newResolver} must not block or
 * start work: the resolver starts when {@link Resolver#start} is called.
 *
 * @since 0.1
 */
public interface ResolverProvider {

  /** The scheme this provider serves, in lower case, such as {@code k8s+dns}. */
  String scheme();

  /**
   * Parses a target of this provider's scheme: the provider owns everything after {@code
   * <scheme>://}. The default reads the generic form {@code <scheme>://[authority]/<path>} into a
   * {@link UriTarget}. Pure: reads nothing from the host.
   *
   * @param target the whole target string; its scheme is this provider's (case-insensitively)
   * @throws IllegalArgumentException naming the part that is wrong and the form expected
   */
  default Target parse(String target) {
    return UriTarget.parse(target);
  }

  /**
   * Among available providers of one scheme, the highest priority wins (0..10, default 5); equal
   * priorities keep registration order.
   */
  default int priority() {
    return 5;
  }

  /** Whether this provider can work here (its dependencies are present). */
  default boolean isAvailable() {
    return true;
  }

  /**
   * A new resolver for {@code target}, whose scheme is this provider's (usually a target from
   * {@link #parse}). Never throws for a target it cannot serve: return a resolver that reports the
   * problem as a {@link ResolutionError}.
   */
  Resolver newResolver(Target target, ResolverContext context);
}
