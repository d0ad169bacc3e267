package dev.discovery.testkit;

import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node: where pods run, with the addresses NodePort Services answer on and the zone its pods'
 * endpoints report.
 *
 * <pre>{@code
 * cluster.apply(Node.builder("node-a").zone("zone-a").build()); // address allocated: 127.2.0.1
 * }</pre>
 *
 * @param name a DNS-1123 subdomain
 * @param addresses the node's internal IPs; empty in a node not applied yet means "allocate one"
 * @param zone the {@code topology.kubernetes.io/zone} label, or {@code null}
 * @param labels other labels, sorted by key
 * @param ready the node's Ready condition (data for clients that read nodes; pods keep their own
 *     readiness)
 * @since 0.1
 */
public record Node(
    String name,
    List<InetAddress> addresses,
    String zone,
    Map<String, String> labels,
    boolean ready)
    implements ClusterObject {

  /**
   * @throws IllegalArgumentException if a field is invalid (the message names it)
   */
  public Node {
    Validation.dns1123Subdomain("node name", name);
    addresses = List.copyOf(addresses);
    if (addresses.stream().distinct().count() != addresses.size()) {
      throw Validation.invalid(
          "node " + name + " addresses", addresses.toString(), "no duplicates");
    }
    if (zone != null) {
      Validation.labelValue("node " + name + " labels", "topology.kubernetes.io/zone", zone);
    }
    labels = Validation.labels("node " + name + " labels", labels);
  }

  /** A ready node. */
  public Node(String name, List<InetAddress> addresses, String zone, Map<String, String> labels) {
    this(name, addresses, zone, labels, true);
  }

  /** A builder for a node named {@code name}: ready, no address (one is allocated). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Always {@code null}: nodes are cluster-scoped. */
  @Override
  public String namespace() {
    return null;
  }

  /** A builder starting from this node. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.addresses.addAll(addresses);
    b.zone = zone;
    b.labels.putAll(labels);
    b.ready = ready;
    return b;
  }

  /** Builds a {@link Node}. */
  public static final class Builder {
    private final String name;
    private final List<InetAddress> addresses = new ArrayList<>();
    private String zone;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private boolean ready = true;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds an internal IP (a literal such as {@code 127.2.0.9}); none means one is allocated. */
    public Builder address(String ip) {
      return address(Validation.ip("node " + name + " address", ip));
    }

    /** Adds an internal IP; none means one is allocated. */
    public Builder address(InetAddress ip) {
      addresses.add(Objects.requireNonNull(ip, "ip"));
      return this;
    }

    /** The node's zone ({@code topology.kubernetes.io/zone}). */
    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** The Ready condition (default true). */
    public Builder ready(boolean ready) {
      this.ready = ready;
      return this;
    }

    public Node build() {
      return new Node(name, addresses, zone, labels, ready);
    }
  }
}
