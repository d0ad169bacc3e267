package dev.discovery.testkit;

import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A pod: labels that Service selectors match, IPs, named container ports, readiness and the
 * topology its endpoints report.
 *
 * <pre>{@code
 * cluster.apply(Pod.builder("shop", "web-0").label("app", "web").containerPort("grpc", 50051).build());
 * }</pre>
 *
 * <p>Readiness follows Kubernetes: {@link #ready()} is the pod's Ready condition, and a pod that is
 * {@link #terminating()} (deleted, still shutting down) keeps its Ready condition; its endpoints
 * are then {@code serving} but not {@code ready}.
 *
 * @param namespace a DNS-1123 label
 * @param name a DNS-1123 subdomain
 * @param labels the labels, sorted by key
 * @param ips the pod's IPs (at most one per family); empty in a pod not applied yet means "allocate
 *     one", a distinct {@code 127.x} address so real servers can listen on it
 * @param ports the containers' ports
 * @param ready the pod's Ready condition
 * @param terminating whether the pod has been deleted and is shutting down
 * @param node the node it runs on, or {@code null}
 * @param zone the zone, or {@code null} to use its node's
 * @param hostname {@code spec.hostname}, or {@code null}
 * @param subdomain {@code spec.subdomain}, or {@code null}; with a hostname, a headless Service of
 *     this name publishes {@code <hostname>.<subdomain>.<namespace>.svc.<zone>}
 * @since 0.1
 */
public record Pod(
    String namespace,
    String name,
    Map<String, String> labels,
    List<InetAddress> ips,
    List<ContainerPort> ports,
    boolean ready,
    boolean terminating,
    String node,
    String zone,
    String hostname,
    String subdomain)
    implements ClusterObject {

  /**
   * @throws IllegalArgumentException if a field is invalid (the message names it)
   */
  public Pod {
    Validation.dns1123Label("pod namespace", namespace);
    Validation.dns1123Subdomain("pod name", name);
    String id = "pod " + namespace + "/" + name;
    labels = Validation.labels(id + " labels", labels);
    ips = List.copyOf(ips);
    Set<IpFamily> families = new HashSet<>();
    for (InetAddress ip : ips) {
      if (!families.add(IpFamily.of(ip))) {
        throw Validation.invalid(
            id + " ips", ips.toString(), "at most one IPv4 and one IPv6 address");
      }
    }
    ports = List.copyOf(ports);
    Set<String> names = new HashSet<>();
    for (ContainerPort p : ports) {
      if (p.name() != null && !names.add(p.name())) {
        throw Validation.invalid(
            id + " container port name", Validation.quote(p.name()), "each name once per pod");
      }
    }
    if (node != null) {
      Validation.dns1123Subdomain(id + " node", node);
    }
    if (zone != null) {
      Validation.labelValue(id + " zone", "topology.kubernetes.io/zone", zone);
    }
    if (hostname != null) {
      Validation.dns1123Label(id + " hostname", hostname);
    }
    if (subdomain != null) {
      Validation.dns1123Label(id + " subdomain", subdomain);
    }
  }

  /** A builder for pod {@code name} in {@code namespace}: ready, no labels, no ports. */
  public static Builder builder(String namespace, String name) {
    return new Builder(namespace, name);
  }

  /** A builder starting from this pod. */
  public Builder toBuilder() {
    Builder b = new Builder(namespace, name);
    b.labels.putAll(labels);
    b.ips.addAll(ips);
    b.ports.addAll(ports);
    b.ready = ready;
    b.terminating = terminating;
    b.node = node;
    b.zone = zone;
    b.hostname = hostname;
    b.subdomain = subdomain;
    return b;
  }

  /** This pod's IP of {@code family}, or {@code null}. */
  public InetAddress ip(IpFamily family) {
    for (InetAddress ip : ips) {
      if (IpFamily.of(ip) == family) {
        return ip;
      }
    }
    return null;
  }

  /** The first IP ({@code status.podIP}), or {@code null} when none is allocated yet. */
  public InetAddress ip() {
    return ips.isEmpty() ? null : ips.get(0);
  }

  /**
   * Whether every entry of {@code selector} is among this pod's labels (never for an empty one).
   */
  public boolean matches(Map<String, String> selector) {
    if (selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Builds a {@link Pod}. */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<InetAddress> ips = new ArrayList<>();
    private final List<ContainerPort> ports = new ArrayList<>();
    private boolean ready = true;
    private boolean terminating;
    private String node;
    private String zone;
    private String hostname;
    private String subdomain;

    private Builder(String namespace, String name) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Replaces the labels. */
    public Builder labels(Map<String, String> labels) {
      this.labels.clear();
      this.labels.putAll(labels);
      return this;
    }

    /**
     * Adds an IP literal such as {@code 127.0.9.1} or {@code fd00::1} (IPv6 addresses are data:
     * nothing listens there unless a test binds it). None means one is allocated.
     */
    public Builder ip(String ip) {
      return ip(Validation.ip("pod " + namespace + "/" + name + " ip", ip));
    }

    /** Adds an IP; none means one is allocated. */
    public Builder ip(InetAddress ip) {
      ips.add(Objects.requireNonNull(ip, "ip"));
      return this;
    }

    /** Removes the IPs, so that applying the pod allocates one (for templates). */
    public Builder noIps() {
      ips.clear();
      return this;
    }

    /** Adds a named TCP container port. */
    public Builder containerPort(String name, int port) {
      return containerPort(name, port, Protocol.TCP);
    }

    /** Adds a named container port. */
    public Builder containerPort(String name, int port, Protocol protocol) {
      ports.add(new ContainerPort(Objects.requireNonNull(name, "name"), port, protocol));
      return this;
    }

    /** Adds an unnamed TCP container port. */
    public Builder containerPort(int port) {
      ports.add(new ContainerPort(null, port, Protocol.TCP));
      return this;
    }

    /** The Ready condition (default true). */
    public Builder ready(boolean ready) {
      this.ready = ready;
      return this;
    }

    /** Whether it is shutting down (default false). */
    public Builder terminating(boolean terminating) {
      this.terminating = terminating;
      return this;
    }

    /** The node it runs on; the node must exist when the pod is applied. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    /** The zone, overriding its node's. */
    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    /** {@code spec.hostname}. */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** {@code spec.subdomain}: the headless Service that publishes the hostname. */
    public Builder subdomain(String subdomain) {
      this.subdomain = subdomain;
      return this;
    }

    public Pod build() {
      return new Pod(
          namespace, name, labels, ips, ports, ready, terminating, node, zone, hostname, subdomain);
    }
  }
}
