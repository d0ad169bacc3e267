package dev.discovery.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable view of a {@link FakeCluster} at one resource version. Lists are sorted by namespace
 * and name. Thread-safe.
 *
 * @since 0.1
 */
public final class ClusterSnapshot {
  private final long resourceVersion;
  private final String zone;
  private final NavigableMap<String, Namespace> namespaces;
  private final NavigableMap<String, Node> nodes;
  private final NavigableMap<String, Pod> pods;
  private final NavigableMap<String, Service> services;
  private final NavigableMap<String, EndpointSlice> slices;
  private final Map<String, ObjectMetadata> metadata;

  ClusterSnapshot(
      long resourceVersion,
      String zone,
      TreeMap<String, Namespace> namespaces,
      TreeMap<String, Node> nodes,
      TreeMap<String, Pod> pods,
      TreeMap<String, Service> services,
      TreeMap<String, EndpointSlice> slices,
      Map<String, ObjectMetadata> metadata) {
    // The maps are handed over: the caller never touches them again.
    this.resourceVersion = resourceVersion;
    this.zone = zone;
    this.namespaces = Collections.unmodifiableNavigableMap(namespaces);
    this.nodes = Collections.unmodifiableNavigableMap(nodes);
    this.pods = Collections.unmodifiableNavigableMap(pods);
    this.services = Collections.unmodifiableNavigableMap(services);
    this.slices = Collections.unmodifiableNavigableMap(slices);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /** The cluster's resource version: it grows by one with every change. */
  public long resourceVersion() {
    return resourceVersion;
  }

  /** The cluster DNS zone, such as {@code cluster.local}. */
  public String zone() {
    return zone;
  }

  /** Every namespace. */
  public List<Namespace> namespaces() {
    return List.copyOf(namespaces.values());
  }

  /** Every node. */
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The node named {@code name}. */
  public Optional<Node> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** Every pod. */
  public List<Pod> pods() {
    return List.copyOf(pods.values());
  }

  /** The pods of {@code namespace}. */
  public List<Pod> pods(String namespace) {
    return List.copyOf(inNamespace(pods, namespace).values());
  }

  /** The pod {@code namespace/name}. */
  public Optional<Pod> pod(String namespace, String name) {
    return Optional.ofNullable(pods.get(key(namespace, name)));
  }

  /** Every Service. */
  public List<Service> services() {
    return List.copyOf(services.values());
  }

  /** The Services of {@code namespace}. */
  public List<Service> services(String namespace) {
    return List.copyOf(inNamespace(services, namespace).values());
  }

  /** The Service {@code namespace/name}. */
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.get(key(namespace, name)));
  }

  /** Every EndpointSlice. */
  public List<EndpointSlice> endpointSlices() {
    return List.copyOf(slices.values());
  }

  /** The EndpointSlices of Service {@code namespace/service}, by name. */
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    List<EndpointSlice> out = new ArrayList<>();
    for (EndpointSlice s : inNamespace(slices, namespace).values()) {
      if (s.serviceName().equals(service)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The metadata of the object of {@code object}'s kind and id in this snapshot: its uid, the
   * resource version that last modified it, its creation time.
   *
   * @throws IllegalArgumentException if this snapshot holds no such object
   */
  public ObjectMetadata metadata(ClusterObject object) {
    ObjectMetadata m = metadata.get(metadataKey(object));
    if (m == null) {
      throw new IllegalArgumentException(
          "object: "
              + object.kind()
              + " "
              + object.id()
              + " (expected: an object of the snapshot at resource version "
              + resourceVersion
              + ")");
    }
    return m;
  }

  /** The pods Service {@code namespace/service} selects (none without a selector). */
  public List<Pod> selectedPods(String namespace, String service) {
    Service s = services.get(key(namespace, service));
    if (s == null) {
      return List.of();
    }
    return inNamespace(pods, namespace).values().stream()
        .filter(p -> p.matches(s.selector()))
        .toList();
  }

  NavigableMap<String, Namespace> namespaceMap() {
    return namespaces;
  }

  NavigableMap<String, Node> nodeMap() {
    return nodes;
  }

  NavigableMap<String, Pod> podMap() {
    return pods;
  }

  NavigableMap<String, Service> serviceMap() {
    return services;
  }

  NavigableMap<String, EndpointSlice> sliceMap() {
    return slices;
  }

  Map<String, ObjectMetadata> metadataMap() {
    return metadata;
  }

  /** The metadata key of an object: its kind and id. */
  static String metadataKey(ClusterObject o) {
    return o.kind() + ":" + o.id();
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  static <V> NavigableMap<String, V> inNamespace(NavigableMap<String, V> map, String namespace) {
    // '/' + 1 == '0': every key "<namespace>/..." sorts between these two.
    return map.subMap(namespace + "/", true, namespace + "0", false);
  }

  @Override
  public String toString() {
    return "ClusterSnapshot[rv="
        + resourceVersion
        + ", namespaces="
        + namespaces.size()
        + ", nodes="
        + nodes.size()
        + ", pods="
        + pods.size()
        + ", services="
        + services.size()
        + ", endpointSlices="
        + slices.size()
        + "]";
  }
}
