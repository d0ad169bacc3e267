package dev.discovery.k8s.internal.api;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the API source reads of a core/v1 Node (for the {@code nodePort} access mode).
 *
 * @param name {@code metadata.name}
 * @param resourceVersion {@code metadata.resourceVersion}, or null
 * @param addresses the IP addresses of {@code status.addresses} by type ({@code InternalIP}, {@code
 *     ExternalIP}), in the order given; {@code Hostname} and other non-IP types are left out
 * @param ready whether the condition {@code Ready} has status {@code True}
 * @param zone the label {@code topology.kubernetes.io/zone}, or null
 */
public record NodeObject(
    String name,
    String resourceVersion,
    Map<String, List<InetAddress>> addresses,
    boolean ready,
    String zone) {

  public static final String INTERNAL_IP = "InternalIP";
  public static final String EXTERNAL_IP = "ExternalIP";

  /** The label that carries a node's zone. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  public NodeObject {
    Objects.requireNonNull(name, "name");
    Map<String, List<InetAddress>> copy = new LinkedHashMap<>();
    addresses.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    addresses = java.util.Collections.unmodifiableMap(copy);
  }

  /** The addresses of {@code type}, empty when none. */
  public List<InetAddress> addresses(String type) {
    return addresses.getOrDefault(type, List.of());
  }

  /** Parses a Node from its JSON; never throws. */
  public static Parsed<NodeObject> parse(Map<String, Object> json) {
    return Parsed.parse("Node", json, NodeObject::read);
  }

  private static NodeObject read(Fields root) {
    Fields metadata = root.object("metadata");
    Fields status = root.object("status");
    Map<String, List<InetAddress>> addresses = new LinkedHashMap<>();
    for (Fields a : status.objects("addresses")) {
      String type = a.requiredString("type");
      if (INTERNAL_IP.equals(type) || EXTERNAL_IP.equals(type)) {
        InetAddress ip = a.ip("address");
        if (ip == null) {
          throw a.malformedAt("address", null, "an IP address");
        }
        addresses.computeIfAbsent(type, t -> new ArrayList<>()).add(ip);
      }
    }
    boolean ready = false;
    for (Fields c : status.objects("conditions")) {
      if ("Ready".equals(c.string("type"))) {
        ready = "True".equals(c.string("status"));
      }
    }
    return new NodeObject(
        metadata.requiredString("name"),
        metadata.string("resourceVersion"),
        addresses,
        ready,
        metadata.stringMap("labels").get(ZONE_LABEL));
  }
}
