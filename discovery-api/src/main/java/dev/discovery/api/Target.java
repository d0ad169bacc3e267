package dev.discovery.api;

import dev.discovery.spi.ResolverRegistry;

/**
 * Where to find endpoints: a target string, parsed. The scheme chooses the {@link
 * dev.discovery.spi.ResolverProvider resolver provider} and the provider parses the rest, as
 * grpc-java's {@code NameResolver} does, so any installed provider can add a scheme of its own:
 *
 * <pre>
 * &lt;scheme&gt;://[authority]/&lt;what the scheme's provider reads&gt;
 * static:///10.0.0.1:80,[::1]:80                         (built in: a fixed list)
 * k8s:///web.shop:grpc                                    (discovery-k8s: a Kubernetes Service)
 * </pre>
 *
 * <p>Schemes are case-insensitive and kept in lower case. Parsing is pure: nothing is looked up and
 * nothing is read from the host. For every valid target {@code Target.parse(t.toString())} equals
 * {@code t}.
 *
 * @since 0.1
 */
public interface Target {

  /**
   * Parses {@code target} with the provider of its scheme in {@link
   * ResolverRegistry#defaultRegistry()}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and the form expected; for a
   *     scheme with no provider, the installed schemes
   */
  static Target parse(String target) {
    return ResolverRegistry.defaultRegistry().parse(target);
  }

  /** The scheme, in lower case. */
  String scheme();

  /** The authority between {@code //} and the next {@code /}; empty when there is none. */
  String authority();

  /**
   * The name a caller uses for the service, as a gRPC channel's authority: {@code web.shop}, or
   * {@code web.shop:8080} when a port number is part of it. By default the text after the
   * authority's {@code /}.
   */
  default String serviceAuthority() {
    String text = toString();
    int start = text.indexOf("://");
    int slash = start < 0 ? -1 : text.indexOf('/', start + 3);
    return slash < 0 ? text : text.substring(slash + 1);
  }

  /** The canonical form of this target, which {@link #parse(String)} turns back into it. */
  @Override
  String toString();
}
