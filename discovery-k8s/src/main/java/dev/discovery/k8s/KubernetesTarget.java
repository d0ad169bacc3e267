package dev.discovery.k8s;

import dev.discovery.api.Target;
import dev.discovery.k8s.internal.KubernetesTargetParser;
import dev.discovery.spi.ServicePort;
import java.util.List;
import java.util.Objects;

/**
 * A target naming a Kubernetes Service, the grammar of the {@code k8s}, {@code k8s+dns} and {@code
 * k8s+api} schemes:
 *
 * <pre>
 * &lt;scheme&gt;://[authority]/&lt;service&gt;[.&lt;namespace&gt;[.svc[.&lt;zone&gt;]]][.][:&lt;port number or port name&gt;][?access=&lt;mode&gt;]
 * </pre>
 *
 * <ul>
 *   <li>A Service name is a DNS-1035 label (starts with a letter), a namespace a DNS-1123 label;
 *       the third label must be {@code svc}, then the zone. The whole name is at most 253
 *       characters. Only ASCII letters, digits, {@code -} and {@code .} are accepted, as written (a
 *       Kelvin sign is not a {@code k}); names are case-insensitive and kept in lower case. A
 *       trailing dot makes the name absolute.
 *   <li>A port is a number 1..65535 or a port name (an IANA service name, as Kubernetes validates
 *       it), in ASCII.
 *   <li>{@code ?access=pods|nodePort|loadBalancer} chooses the {@link AccessMode} of the API
 *       source, and wins over the provider's; {@code k8s+dns} takes {@code pods} only.
 *   <li>{@code k8s} takes no authority; {@code k8s+dns} and {@code k8s+api} take a server {@code
 *       host[:port]}.
 * </ul>
 *
 * <p>Parsing is pure: the namespace and zone defaults are applied by the resolver.
 *
 * @param scheme one of {@link #SCHEMES}
 * @param authority a server {@code host[:port]} for {@code k8s+dns} / {@code k8s+api}, else empty
 * @param service the Service name, a DNS-1035 label
 * @param namespace the namespace, a DNS-1123 label; {@code null} when the target leaves it to the
 *     resolver's default
 * @param svc whether the name carries the {@code .svc} label after the namespace
 * @param zone the cluster zone such as {@code cluster.local}; {@code null} when absent
 * @param absolute whether the name ends with a dot (no search list applies)
 * @param port the port; {@code null} when the target names none
 * @param access the access mode; {@code null} when the target names none (the provider's applies)
 * @since 0.1
 */
public record KubernetesTarget(
    String scheme,
    String authority,
    String service,
    String namespace,
    boolean svc,
    String zone,
    boolean absolute,
    ServicePort port,
    AccessMode access)
    implements Target {

  /** The scheme for which the SDK chooses the source and says which. */
  public static final String K8S = "k8s";

  /** The scheme that forces the Kubernetes DNS source. */
  public static final String K8S_DNS = "k8s+dns";

  /** The scheme that forces the Kubernetes API (EndpointSlice) source. */
  public static final String K8S_API = "k8s+api";

  /** The schemes of this grammar. */
  public static final List<String> SCHEMES = List.of(K8S, K8S_DNS, K8S_API);

  /**
   * @throws IllegalArgumentException if a part is invalid
   */
  public KubernetesTarget {
    KubernetesTargetParser.validate(scheme, authority, service, namespace, svc, zone, absolute);
    KubernetesTargetParser.validateAccess(scheme, access);
  }

  /**
   * A target that names no access mode.
   *
   * @throws IllegalArgumentException if a part is invalid
   */
  public KubernetesTarget(
      String scheme,
      String authority,
      String service,
      String namespace,
      boolean svc,
      String zone,
      boolean absolute,
      ServicePort port) {
    this(scheme, authority, service, namespace, svc, zone, absolute, port, null);
  }

  /**
   * Parses a target of one of {@link #SCHEMES}.
   *
   * @throws IllegalArgumentException naming the part that is wrong and the form expected
   */
  public static KubernetesTarget parse(String target) {
    return KubernetesTargetParser.parse(target);
  }

  /** {@code k8s:///<service>.<namespace>} with no port. */
  public static KubernetesTarget of(String service, String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return new KubernetesTarget(K8S, "", service, namespace, false, null, false, null);
  }

  /** This target with {@code scheme} instead (for a resolver that delegates to another source). */
  public KubernetesTarget withScheme(String scheme) {
    return new KubernetesTarget(
        scheme, authority, service, namespace, svc, zone, absolute, port, access);
  }

  /** This target with {@code port} ({@code null}: none). */
  public KubernetesTarget withPort(ServicePort port) {
    return new KubernetesTarget(
        scheme, authority, service, namespace, svc, zone, absolute, port, access);
  }

  /** This target with {@code access} ({@code null}: none, the provider's applies). */
  public KubernetesTarget withAccess(AccessMode access) {
    return new KubernetesTarget(
        scheme, authority, service, namespace, svc, zone, absolute, port, access);
  }

  /** The DNS name as written, without the trailing dot: {@code web.shop.svc.cluster.local}. */
  public String name() {
    StringBuilder b = new StringBuilder(service);
    if (namespace != null) {
      b.append('.').append(namespace);
      if (svc) {
        b.append(".svc");
        if (zone != null) {
          b.append('.').append(zone);
        }
      }
    }
    return b.toString();
  }

  /** The name, with the port when it is a number: {@code web.shop:8080}. */
  @Override
  public String serviceAuthority() {
    return port instanceof ServicePort.Number n ? name() + ":" + n.value() : name();
  }

  @Override
  public String toString() {
    return scheme
        + "://"
        + authority
        + "/"
        + name()
        + (absolute ? "." : "")
        + (port == null ? "" : ":" + port)
        + (access == null ? "" : "?access=" + access.spelling());
  }
}
