package dev.discovery.api;

import dev.discovery.api.internal.TargetParser;
import java.util.List;

/**
 * Where to find endpoints: a parsed target string. One grammar serves the Java API, gRPC channel
 * targets and the CLI:
 *
 * <pre>
 * k8s://[authority]/&lt;service&gt;[.&lt;namespace&gt;[.svc[.&lt;zone&gt;]]][.][:&lt;port number or port name&gt;]
 * static:///&lt;ip&gt;:&lt;port&gt;[,&lt;ip&gt;:&lt;port&gt;...]        (IPv6 in brackets: [::1]:80)
 * </pre>
 *
 * <p>Schemes: {@code k8s} (the SDK picks the source and says which; no authority allowed), {@code
 * k8s+dns} (authority: a DNS server {@code host[:port]}), {@code k8s+api} (authority: a Kubernetes
 * API server {@code host[:port]}), {@code static} (a fixed list) and {@code fake} (reserved for the
 * testkit's fake resolver). Names are case-insensitive and kept in lower case.
 *
 * <p>Parsing is pure: no namespace or zone default is applied here (resolvers apply them), no host
 * file or environment variable is read, and nothing is looked up. For every valid target {@code
 * Target.parse(t.toString()).equals(t)}.
 *
 * @since 0.1
 */
public sealed interface Target permits ServiceTarget, StaticTarget {

  /** The scheme for which the SDK chooses the source (DNS unless an API source is usable). */
  String K8S = "k8s";

  /** The scheme that forces the Kubernetes DNS source. */
  String K8S_DNS = "k8s+dns";

  /** The scheme that forces the Kubernetes API (EndpointSlice) source. */
  String K8S_API = "k8s+api";

  /** The scheme of fixed address lists. */
  String STATIC = "static";

  /** The scheme reserved for the testkit's fake resolver. */
  String FAKE = "fake";

  /** Every scheme this grammar knows, in the order error messages list them. */
  List<String> KNOWN_SCHEMES = List.of(K8S, K8S_DNS, K8S_API, STATIC, FAKE);

  /**
   * Parses {@code target}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and the form expected
   */
  static Target parse(String target) {
    return TargetParser.parse(target);
  }

  /** The scheme, in lower case: one of {@link #KNOWN_SCHEMES}. */
  String scheme();

  /** The authority between {@code //} and the next {@code /}; empty when there is none. */
  String authority();

  /** The canonical form of this target, which {@link #parse(String)} turns back into it. */
  @Override
  String toString();
}
