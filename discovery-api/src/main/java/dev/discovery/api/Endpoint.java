package dev.discovery.api;

import dev.discovery.spi.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One address a Service's calls can go to, with what Kubernetes says about it.
 *
 * <p>An endpoint's <em>identity</em> is its {@link #address()} (IP and port); everything else is an
 * attribute. Two endpoints with the same identity and different attributes are not equal: a
 * readiness change is a change.
 *
 * @param address the IP address and port, always resolved
 * @param hostname the pod's DNS hostname or the SRV target, or {@code null}
 * @param zone the topology zone, or {@code null}
 * @param node the node name, or {@code null}
 * @param ready whether it should receive new calls (Kubernetes: never while terminating)
 * @param serving whether it can serve, regardless of terminating
 * @param terminating whether the pod is shutting down
 * @param attributes more facts from the source, sorted by key (none from the DNS source)
 * @since 0.1
 */
public record Endpoint(
    InetSocketAddress address,
    String hostname,
    String zone,
    String node,
    boolean ready,
    boolean serving,
    boolean terminating,
    Map<String, String> attributes) {

  /**
   * @throws IllegalArgumentException if the address is unresolved or has port 0, or if {@code
   *     ready} and {@code terminating} are both set
   */
  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "address: " + address + " (expected: an IP address, not a host name)");
    }
    if (address.getPort() == 0) {
      throw new IllegalArgumentException("port: 0 (expected: 1..65535)");
    }
    if (ready && terminating) {
      throw new IllegalArgumentException(
          "ready and terminating: both set for "
              + address
              + " (expected: a terminating"
              + " endpoint is never ready, as in Kubernetes)");
    }
    attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  /** A ready, serving endpoint with no other attributes. */
  public static Endpoint of(InetAddress ip, int port) {
    return builder(ip, port).build();
  }

  /** A builder for an endpoint at {@code ip:port}, ready and serving unless told otherwise. */
  public static Builder builder(InetAddress ip, int port) {
    Objects.requireNonNull(ip, "ip");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    return new Builder(new InetSocketAddress(ip, port));
  }

  /** A builder starting from this endpoint. */
  public Builder toBuilder() {
    Builder b = new Builder(address);
    b.hostname = hostname;
    b.zone = zone;
    b.node = node;
    b.ready = ready;
    b.serving = serving;
    b.terminating = terminating;
    b.attributes.putAll(attributes);
    return b;
  }

  /** The IP address. */
  public InetAddress ip() {
    return address.getAddress();
  }

  /** The port. */
  public int port() {
    return address.getPort();
  }

  /** {@code 10.0.0.1:8080} or {@code [::1]:8080}. */
  public String hostPort() {
    return IpAddresses.formatHost(address.getAddress()) + ":" + address.getPort();
  }

  /** Whether {@code other} has the same identity (IP and port), whatever its attributes. */
  public boolean sameIdentity(Endpoint other) {
    return address.equals(other.address);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(hostPort());
    b.append(ready ? " ready" : " not-ready");
    if (!serving) {
      b.append(" not-serving");
    }
    if (terminating) {
      b.append(" terminating");
    }
    if (hostname != null) {
      b.append(" hostname=").append(hostname);
    }
    if (zone != null) {
      b.append(" zone=").append(zone);
    }
    if (node != null) {
      b.append(" node=").append(node);
    }
    if (!attributes.isEmpty()) {
      b.append(' ').append(attributes);
    }
    return b.toString();
  }

  /** Builds an {@link Endpoint}. */
  public static final class Builder {
    private final InetSocketAddress address;
    private String hostname;
    private String zone;
    private String node;
    private boolean ready = true;
    private boolean serving = true;
    private boolean terminating;
    private final Map<String, String> attributes = new TreeMap<>();

    private Builder(InetSocketAddress address) {
      this.address = address;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    public Builder node(String node) {
      this.node = node;
      return this;
    }

    public Builder ready(boolean ready) {
      this.ready = ready;
      return this;
    }

    public Builder serving(boolean serving) {
      this.serving = serving;
      return this;
    }

    public Builder terminating(boolean terminating) {
      this.terminating = terminating;
      return this;
    }

    public Builder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Endpoint build() {
      return new Endpoint(address, hostname, zone, node, ready, serving, terminating, attributes);
    }
  }
}
