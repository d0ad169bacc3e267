package dev.discovery.api;

import dev.discovery.spi.ServicePort;
import java.util.Objects;
import java.util.Optional;

/**
 * A target naming a Kubernetes Service: {@code
 * <scheme>://[authority]/<service>[.<namespace>[.svc[.<zone>]]][.][:<port>]}.
 *
 * <p>Build one with {@link Target#parse(String)} or {@link #of(String, String)}; the record
 * constructor validates each part.
 *
 * @param scheme one of {@link Target#K8S}, {@link Target#K8S_DNS}, {@link Target#K8S_API}, {@link
 *     Target#FAKE}
 * @param authority a server {@code host[:port]} for {@code k8s+dns} / {@code k8s+api}, else empty
 * @param service the Service name, a DNS-1035 label
 * @param namespace the namespace, a DNS-1123 label; {@code null} when the target leaves it to the
 *     resolver's default
 * @param svc whether the name carries the {@code .svc} label after the namespace
 * @param zone the cluster zone such as {@code cluster.local}; {@code null} when absent
 * @param absolute whether the name ends with a dot (no search list applies)
 * @param port the port, or {@code null} when the target names none
 * @since 0.1
 */
public record ServiceTarget(
    String scheme,
    String authority,
    String service,
    String namespace,
    boolean svc,
    String zone,
    boolean absolute,
    ServicePort port)
    implements Target {

  /**
   * @throws IllegalArgumentException if a part is invalid
   */
  public ServiceTarget {
    dev.discovery.api.internal.TargetParser.validate(
        scheme, authority, service, namespace, svc, zone, absolute);
  }

  /** {@code k8s:///<service>.<namespace>} with no port. */
  public static ServiceTarget of(String service, String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return new ServiceTarget(Target.K8S, "", service, namespace, false, null, false, null);
  }

  /** This target with {@code scheme} instead (for a resolver that delegates to another source). */
  public ServiceTarget withScheme(String scheme) {
    return new ServiceTarget(scheme, authority, service, namespace, svc, zone, absolute, port);
  }

  /** This target with {@code port}. */
  public ServiceTarget withPort(ServicePort port) {
    return new ServiceTarget(scheme, authority, service, namespace, svc, zone, absolute, port);
  }

  /** The namespace, if the target names one. */
  public Optional<String> namespaceIfSet() {
    return Optional.ofNullable(namespace);
  }

  /** The port, if the target names one. */
  public Optional<ServicePort> portIfSet() {
    return Optional.ofNullable(port);
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

  @Override
  public String toString() {
    return scheme
        + "://"
        + authority
        + "/"
        + name()
        + (absolute ? "." : "")
        + (port == null ? "" : ":" + port);
  }
}
