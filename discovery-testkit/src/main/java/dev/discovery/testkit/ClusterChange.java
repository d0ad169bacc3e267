package dev.discovery.testkit;

import dev.discovery.testkit.internal.AddressAllocator;
import dev.discovery.testkit.internal.EndpointSliceController;
import dev.discovery.testkit.internal.NodePortAllocator;
import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One atomic change of a {@link FakeCluster}: a working copy of its objects that the mutations
 * change, and {@link #commit()}, which derives the EndpointSlices and makes the new snapshot and
 * its event. Used under the cluster's lock, by one thread, once.
 */
final class ClusterChange implements ClusterMutations {
  private final ClusterSnapshot base;
  private final EndpointSliceController controller;
  private final NodePortAllocator nodePorts;
  private final LongSupplier sliceNumbers;
  private final AddressAllocator.Ledger ledger;
  private final TreeMap<String, Namespace> namespaces;
  private final TreeMap<String, Node> nodes;
  private final TreeMap<String, Pod> pods;
  private final TreeMap<String, Service> services;
  private final TreeMap<String, EndpointSlice> handMadeSlices;
  private final Clock clock;

  /** The new snapshot and the event that tells it. */
  record Committed(ClusterSnapshot snapshot, ClusterEvent event) {}

  /**
   * @param sliceNumbers numbers for the names of new EndpointSlices, never the same twice
   */
  ClusterChange(
      ClusterSnapshot base,
      EndpointSliceController controller,
      AddressAllocator addresses,
      NodePortAllocator nodePorts,
      LongSupplier sliceNumbers,
      Clock clock) {
    this.base = base;
    this.controller = controller;
    this.nodePorts = nodePorts;
    this.sliceNumbers = sliceNumbers;
    this.clock = clock;
    this.ledger = addresses.ledger();
    this.namespaces = new TreeMap<>(base.namespaceMap());
    this.nodes = new TreeMap<>(base.nodeMap());
    this.pods = new TreeMap<>(base.podMap());
    this.services = new TreeMap<>(base.serviceMap());
    this.handMadeSlices = new TreeMap<>();
    base.sliceMap()
        .forEach(
            (k, v) -> {
              if (!v.managedByController()) {
                handMadeSlices.put(k, v);
              }
            });
    nodes.values().forEach(n -> ledger.own(n.addresses(), Validation.owner(n)));
    pods.values().forEach(p -> ledger.own(p.ips(), Validation.owner(p)));
    services.values().forEach(s -> ledger.own(serviceIps(s), Validation.owner(s)));
  }

  @Override
  public Namespace createNamespace(String name) {
    Namespace ns = new Namespace(name);
    namespaces.putIfAbsent(name, ns);
    return namespaces.get(name);
  }

  @Override
  public Node apply(Node node) {
    Objects.requireNonNull(node, "node");
    Node previous = nodes.get(node.name());
    List<InetAddress> addresses =
        givenElseKept(
            node.addresses(), previous == null ? null : previous.addresses(), ledger::nextNodeIp);
    String owner = Validation.owner(node);
    ledger.checkFree(addresses, owner, owner + " addresses");
    Node stored = new Node(node.name(), addresses, node.zone(), node.labels(), node.ready());
    if (previous != null) {
      ledger.disown(previous.addresses());
    }
    ledger.own(addresses, owner);
    nodes.put(node.name(), stored);
    return stored;
  }

  @Override
  public Pod apply(Pod pod) {
    Objects.requireNonNull(pod, "pod");
    String owner = Validation.owner(pod);
    if (pod.node() != null && !nodes.containsKey(pod.node())) {
      throw Validation.invalid(
          owner + " node",
          Validation.quote(pod.node()),
          "an existing node (have: "
              + (nodes.isEmpty() ? "none" : String.join(", ", nodes.keySet()))
              + ")");
    }
    String key = ClusterSnapshot.key(pod.namespace(), pod.name());
    Pod previous = pods.get(key);
    List<InetAddress> ips =
        givenElseKept(pod.ips(), previous == null ? null : previous.ips(), ledger::nextPodIp);
    ledger.checkFree(ips, owner, owner + " ip");
    Pod stored =
        new Pod(
            pod.namespace(),
            pod.name(),
            pod.labels(),
            ips,
            pod.ports(),
            pod.ready(),
            pod.terminating(),
            pod.node(),
            pod.zone(),
            pod.hostname(),
            pod.subdomain());
    createNamespace(pod.namespace());
    if (previous != null) {
      ledger.disown(previous.ips());
    }
    ledger.own(ips, owner);
    pods.put(key, stored);
    return stored;
  }

  @Override
  public Service apply(Service service) {
    Objects.requireNonNull(service, "service");
    String owner = Validation.owner(service);
    String key = ClusterSnapshot.key(service.namespace(), service.name());
    Service previous = services.get(key);
    List<InetAddress> clusterIps = service.clusterIps();
    if (clusterIps.isEmpty()
        && !service.headless()
        && service.type() != ServiceType.EXTERNAL_NAME) {
      if (previous != null
          && !previous.clusterIps().isEmpty()
          && previous.ipFamilies().equals(service.ipFamilies())) {
        clusterIps = previous.clusterIps();
      } else {
        List<InetAddress> allocated = new ArrayList<>();
        for (IpFamily family : service.ipFamilies()) {
          if (family == IpFamily.IPV6) {
            throw Validation.invalid(
                owner + " clusterIP",
                "none given for IPv6",
                "an explicit IPv6 clusterIp(...): the fake cluster allocates IPv4 only");
          }
          allocated.add(ledger.nextServiceIp());
        }
        clusterIps = allocated;
      }
    }
    ledger.checkFree(clusterIps, owner, owner + " clusterIP");
    List<Service.Port> ports = nodePorts.assign(service, previous, services.values());
    List<LoadBalancerIngress> ingress = service.loadBalancerIngress();
    if (service.type() == ServiceType.LOAD_BALANCER) {
      ingress =
          givenElseKept(
              ingress,
              previous == null ? null : previous.loadBalancerIngress(),
              () -> new LoadBalancerIngress(ledger.nextIngressIp(), null));
    }
    List<InetAddress> ingressIpList =
        ingress.stream().map(LoadBalancerIngress::ip).filter(Objects::nonNull).toList();
    ledger.checkFree(ingressIpList, owner, owner + " load balancer ingress ip");
    Service stored = service.withAllocations(clusterIps, ports, ingress);
    createNamespace(service.namespace());
    if (previous != null) {
      ledger.disown(serviceIps(previous));
    }
    ledger.own(serviceIps(stored), owner);
    services.put(key, stored);
    return stored;
  }

  @Override
  public EndpointSlice apply(EndpointSlice slice) {
    Objects.requireNonNull(slice, "slice");
    String owner = Validation.owner(slice);
    Validation.dns1123Label(owner + " namespace", slice.namespace());
    Validation.dns1123Subdomain(owner + " name", slice.name());
    if (slice.managedByController()) {
      throw Validation.invalid(
          owner + " managedBy",
          Validation.quote(slice.managedBy()),
          "another manager than "
              + EndpointSlice.CONTROLLER
              + "; the controller derives its own slices");
    }
    String key = ClusterSnapshot.key(slice.namespace(), slice.name());
    EndpointSlice derived = base.sliceMap().get(key);
    if (derived != null && derived.managedByController()) {
      throw Validation.invalid(
          owner,
          "a slice the controller derived for service " + derived.serviceName(),
          "a name no slice of " + EndpointSlice.CONTROLLER + " has");
    }
    EndpointSlice previous = handMadeSlices.get(key);
    long rv = base.resourceVersion() + 1;
    if (previous != null
        && previous.equals(slice.withResourceVersion(previous.resourceVersion()))) {
      rv = previous.resourceVersion();
    }
    EndpointSlice stored = slice.withResourceVersion(rv);
    createNamespace(slice.namespace());
    handMadeSlices.put(key, stored);
    return stored;
  }

  @Override
  public void deleteEndpointSlice(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    String key = ClusterSnapshot.key(namespace, name);
    EndpointSlice derived = base.sliceMap().get(key);
    if (derived != null && derived.managedByController()) {
      throw Validation.invalid(
          "endpointslice " + key,
          "managed by " + EndpointSlice.CONTROLLER,
          "a hand-made slice; the controller's slices go with their Service or its selector");
    }
    if (handMadeSlices.remove(key) == null) {
      throw missing(
          "endpointslice", key, ClusterSnapshot.inNamespace(handMadeSlices, namespace).keySet());
    }
  }

  @Override
  public Node setNodeReady(String name, boolean ready) {
    Objects.requireNonNull(name, "name");
    Node node = nodes.get(name);
    if (node == null) {
      throw missing("node", name, nodes.keySet());
    }
    Node stored = node.toBuilder().ready(ready).build();
    nodes.put(name, stored);
    return stored;
  }

  @Override
  public void deleteNamespace(String name) {
    if (namespaces.remove(name) == null) {
      throw missing("namespace", name, namespaces.keySet());
    }
    removeAll(ClusterSnapshot.inNamespace(pods, name), p -> ledger.disown(p.ips()));
    removeAll(ClusterSnapshot.inNamespace(services, name), s -> ledger.disown(serviceIps(s)));
    ClusterSnapshot.inNamespace(handMadeSlices, name).clear();
  }

  private <V> void removeAll(NavigableMap<String, V> view, Consumer<V> onRemove) {
    view.values().forEach(onRemove);
    view.clear();
  }

  @Override
  public void deleteNode(String name) {
    Node node = nodes.remove(name);
    if (node == null) {
      throw missing("node", name, nodes.keySet());
    }
    ledger.disown(node.addresses());
  }

  @Override
  public void deletePod(String namespace, String name) {
    Pod pod = pod(namespace, name);
    pods.remove(ClusterSnapshot.key(namespace, name));
    ledger.disown(pod.ips());
  }

  @Override
  public void deleteService(String namespace, String name) {
    Service service = services.remove(ClusterSnapshot.key(namespace, name));
    if (service == null) {
      throw missing(
          "service",
          namespace + "/" + name,
          ClusterSnapshot.inNamespace(services, namespace).keySet());
    }
    ledger.disown(serviceIps(service));
  }

  @Override
  public Pod setReady(String namespace, String name, boolean ready) {
    return replace(pod(namespace, name).toBuilder().ready(ready).build());
  }

  @Override
  public Pod startTerminating(String namespace, String name) {
    return replace(pod(namespace, name).toBuilder().terminating(true).build());
  }

  @Override
  public Pod relabel(String namespace, String name, Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    return replace(pod(namespace, name).toBuilder().labels(labels).build());
  }

  private Pod replace(Pod pod) {
    pods.put(ClusterSnapshot.key(pod.namespace(), pod.name()), pod);
    return pod;
  }

  @Override
  public List<Pod> scale(Pod template, int replicas) {
    Objects.requireNonNull(template, "template");
    checkReplicas(replicas);
    return scaleSet(template.namespace(), template.name(), replicas, template);
  }

  @Override
  public List<Pod> scale(String namespace, String prefix, int replicas) {
    checkReplicas(replicas);
    Map<Integer, Pod> members = members(namespace, prefix);
    Pod template = members.isEmpty() ? null : members.values().iterator().next();
    if (template == null && replicas > 0) {
      throw Validation.invalid(
          "scale " + namespace + "/" + prefix,
          "no pod " + prefix + "-<ordinal> to copy",
          "scale(Pod template, replicas) for a new set");
    }
    if (template != null) {
      template = template.toBuilder().ready(true).terminating(false).build();
    }
    return scaleSet(namespace, prefix, replicas, template);
  }

  private void checkReplicas(int replicas) {
    if (replicas < 0) {
      throw Validation.invalid("replicas", Integer.toString(replicas), ">= 0");
    }
  }

  private List<Pod> scaleSet(String namespace, String prefix, int replicas, Pod template) {
    Map<Integer, Pod> members = members(namespace, prefix);
    for (Map.Entry<Integer, Pod> m : members.entrySet()) {
      if (m.getKey() >= replicas) {
        deletePod(namespace, m.getValue().name());
      }
    }
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      Pod existing = members.get(i);
      if (existing != null) {
        out.add(existing);
        continue;
      }
      String name = prefix + "-" + i;
      out.add(
          apply(
              new Pod(
                  namespace,
                  name,
                  template.labels(),
                  List.of(),
                  template.ports(),
                  template.ready(),
                  template.terminating(),
                  template.node(),
                  template.zone(),
                  template.subdomain() != null ? name : null,
                  template.subdomain())));
    }
    return List.copyOf(out);
  }

  private Map<Integer, Pod> members(String namespace, String prefix) {
    Pattern ordinal = Pattern.compile(Pattern.quote(prefix) + "-(0|[1-9][0-9]{0,8})");
    TreeMap<Integer, Pod> members = new TreeMap<>();
    // Only names starting "<prefix>-" can match: they sort from "<prefix>-" up to "<prefix>.".
    String first = ClusterSnapshot.key(namespace, prefix + "-");
    String after = ClusterSnapshot.key(namespace, prefix + ".");
    for (Pod p : pods.subMap(first, true, after, false).values()) {
      var m = ordinal.matcher(p.name());
      if (m.matches()) {
        members.put(Integer.parseInt(m.group(1)), p);
      }
    }
    return members;
  }

  private Pod pod(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Pod pod = pods.get(ClusterSnapshot.key(namespace, name));
    if (pod == null) {
      throw missing(
          "pod", namespace + "/" + name, ClusterSnapshot.inNamespace(pods, namespace).keySet());
    }
    return pod;
  }

  /** Re-derives the EndpointSlices; the new snapshot and its event, or null if nothing changed. */
  Committed commit() {
    long rv = base.resourceVersion() + 1;
    List<ClusterEvent.Change> changes = new ArrayList<>();
    List<ClusterEvent.Change> deletions = new ArrayList<>();
    Stamp stamp = new Stamp(rv, new HashMap<>(base.metadataMap()));
    diff(base.namespaceMap(), namespaces, stamp, changes, deletions);
    diff(base.nodeMap(), nodes, stamp, changes, deletions);
    diff(base.serviceMap(), services, stamp, changes, deletions);
    diff(base.podMap(), pods, stamp, changes, deletions);

    // The controller's slices, derived after the pods and Services got their uids.
    TreeMap<String, EndpointSlice> slices = new TreeMap<>(handMadeSlices);
    Map<String, List<EndpointSlice>> existing = new HashMap<>();
    for (EndpointSlice s : base.sliceMap().values()) {
      if (s.managedByController()) {
        existing
            .computeIfAbsent(
                ClusterSnapshot.key(s.namespace(), s.serviceName()), k -> new ArrayList<>())
            .add(s);
      }
    }
    for (Service service : services.values()) {
      String key = ClusterSnapshot.key(service.namespace(), service.name());
      List<EndpointSlice> derived =
          controller.reconcile(
              service,
              stamp.uid(service),
              ClusterSnapshot.inNamespace(pods, service.namespace()).values(),
              stamp::uid,
              nodes::get,
              existing.getOrDefault(key, List.of()),
              () -> sliceName(service.namespace(), service.name()),
              rv);
      derived.forEach(s -> slices.put(ClusterSnapshot.key(s.namespace(), s.name()), s));
    }
    diff(base.sliceMap(), slices, stamp, changes, deletions);
    if (changes.isEmpty() && deletions.isEmpty()) {
      return null;
    }
    for (int i = deletions.size() - 1; i >= 0; i--) {
      changes.add(deletions.get(i));
    }
    return new Committed(
        new ClusterSnapshot(
            rv, base.zone(), namespaces, nodes, pods, services, slices, stamp.metadata),
        new ClusterEvent(rv, changes));
  }

  /**
   * The metadata of one commit's objects: a created object gets a uid and a creation time, a
   * modified one keeps them, both get the commit's resource version.
   */
  private final class Stamp {
    final long resourceVersion;
    final Map<String, ObjectMetadata> metadata;
    private Instant now;
    private Instant changedAt;

    Stamp(long resourceVersion, Map<String, ObjectMetadata> metadata) {
      this.resourceVersion = resourceVersion;
      this.metadata = metadata;
    }

    ObjectMetadata created(ClusterObject o) {
      String name = o.kind() + "/" + o.id() + "/" + resourceVersion;
      String uid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
      Instant created = now();
      return put(
          o, new ObjectMetadata(uid, resourceVersion, created, deletion(null, o), changedAt(o)));
    }

    ObjectMetadata modified(ClusterObject o) {
      ObjectMetadata old = metadata.get(ClusterSnapshot.metadataKey(o));
      return put(
          o,
          new ObjectMetadata(
              old.uid(), resourceVersion, old.creationTimestamp(), deletion(old, o), changedAt(o)));
    }

    ObjectMetadata deleted(ClusterObject o) {
      ObjectMetadata old = metadata.remove(ClusterSnapshot.metadataKey(o));
      return new ObjectMetadata(
          old.uid(),
          resourceVersion,
          old.creationTimestamp(),
          old.deletionTimestamp(),
          changedAt(o));
    }

    /** The uid of {@code o}, stamped in this commit or before. */
    String uid(ClusterObject o) {
      return metadata.get(ClusterSnapshot.metadataKey(o)).uid();
    }

    private ObjectMetadata put(ClusterObject o, ObjectMetadata m) {
      metadata.put(ClusterSnapshot.metadataKey(o), m);
      return m;
    }

    /** A terminating pod's deletion time: kept, or now plus the grace period when it starts. */
    private Instant deletion(ObjectMetadata old, ClusterObject o) {
      if (!(o instanceof Pod p) || !p.terminating()) {
        return null;
      }
      if (old != null && old.deletionTimestamp() != null) {
        return old.deletionTimestamp();
      }
      return now().plusSeconds(ObjectMetadata.GRACE_PERIOD_SECONDS);
    }

    /**
     * When this commit happened, at the clock's full precision, for a slice of the controller (the
     * only objects that carry it, as their last-change-trigger-time); null for the others.
     */
    private Instant changedAt(ClusterObject o) {
      if (!(o instanceof EndpointSlice s) || !s.managedByController()) {
        return null;
      }
      if (changedAt == null) {
        changedAt = clock.instant();
      }
      return changedAt;
    }

    private Instant now() {
      if (now == null) {
        now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      }
      return now;
    }
  }

  /** A new name for a slice of the controller, never one a hand-made slice has. */
  private String sliceName(String namespace, String service) {
    String prefix = service.length() > 57 ? service.substring(0, 57) : service;
    String name;
    do {
      name = String.format("%s-%05d", prefix, sliceNumbers.getAsLong());
    } while (handMadeSlices.containsKey(ClusterSnapshot.key(namespace, name)));
    return name;
  }

  /** {@code given} unless empty; else {@code kept} unless null or empty; else one fresh value. */
  private static <T> List<T> givenElseKept(List<T> given, List<T> kept, Supplier<T> fresh) {
    if (!given.isEmpty()) {
      return given;
    }
    return kept != null && !kept.isEmpty() ? kept : List.of(fresh.get());
  }

  private static <V extends ClusterObject> void diff(
      Map<String, V> before,
      Map<String, V> after,
      Stamp stamp,
      List<ClusterEvent.Change> changes,
      List<ClusterEvent.Change> deletions) {
    for (Map.Entry<String, V> e : after.entrySet()) {
      V old = before.get(e.getKey());
      V now = e.getValue();
      if (old == null) {
        changes.add(new ClusterEvent.Change(ClusterEvent.Type.ADDED, now, stamp.created(now)));
      } else if (!old.equals(now)) {
        changes.add(new ClusterEvent.Change(ClusterEvent.Type.MODIFIED, now, stamp.modified(now)));
      }
    }
    List<ClusterEvent.Change> deleted = new ArrayList<>();
    for (Map.Entry<String, V> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        V gone = e.getValue();
        deleted.add(new ClusterEvent.Change(ClusterEvent.Type.DELETED, gone, stamp.deleted(gone)));
      }
    }
    // Reversed again when appended, so deletions of one kind keep name order.
    for (int i = deleted.size() - 1; i >= 0; i--) {
      deletions.add(deleted.get(i));
    }
  }

  private static List<InetAddress> serviceIps(Service s) {
    List<InetAddress> ips = new ArrayList<>(s.clusterIps());
    s.loadBalancerIngress().stream()
        .map(LoadBalancerIngress::ip)
        .filter(Objects::nonNull)
        .forEach(ips::add);
    return ips;
  }

  private static IllegalArgumentException missing(String kind, String id, Collection<String> have) {
    String list =
        have.isEmpty()
            ? "none"
            : have.stream().limit(10).collect(Collectors.joining(", "))
                + (have.size() > 10 ? ", ..." : "");
    return Validation.invalid(
        kind, id + " does not exist", "an existing " + kind + " (have: " + list + ")");
  }
}
