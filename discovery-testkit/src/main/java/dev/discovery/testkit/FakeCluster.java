package dev.discovery.testkit;

import dev.discovery.api.Subscription;
import dev.discovery.testkit.internal.EndpointSliceController;
import dev.discovery.testkit.internal.IpPool;
import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes cluster in memory: namespaces, nodes, pods and Services of every type, with
 * EndpointSlices derived from selectors as Kubernetes' EndpointSlice controller derives them.
 *
 * <pre>{@code
 * FakeCluster cluster = FakeCluster.create();
 * cluster.apply(Pod.builder("shop", "web-0").label("app", "web").containerPort("grpc", 50051).build());
 * cluster.apply(Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
 * cluster.setReady("shop", "web-0", false);
 * cluster.scale(Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 5);
 * List<EndpointSlice> slices = cluster.endpointSlices("shop", "web");
 * }</pre>
 *
 * <h2>Addresses</h2>
 *
 * Objects applied without addresses get distinct loopback ones, so tests can run real servers on
 * them (Linux answers on all of {@code 127.0.0.0/8}): pods from {@code 127.0.1.1} upward,
 * ClusterIPs from {@code 127.1.0.1}, nodes from {@code 127.2.0.1}, load balancer ingress from
 * {@code 127.3.0.1} (addresses ending in .0 and .255 are skipped; none is handed out twice). Other
 * addresses, IPv6 included, may be given explicitly as data. Node ports come from 30000-32767.
 *
 * <h2>Changes</h2>
 *
 * Each mutation ({@link ClusterMutations}) is atomic: it validates, applies, re-derives the
 * EndpointSlices, publishes a new immutable {@link ClusterSnapshot} and notifies {@link #subscribe
 * subscribers} with one {@link ClusterEvent}; a mutation that changes nothing notifies no one.
 * {@link #batch} makes several mutations one. Thread-safe.
 *
 * @since 0.1
 */
public final class FakeCluster implements ClusterMutations {
  private static final Logger log = LoggerFactory.getLogger(FakeCluster.class);

  /** The default cluster DNS zone. */
  public static final String DEFAULT_ZONE = "cluster.local";

  /** Kubernetes' default: at most 100 endpoints per EndpointSlice. */
  public static final int DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

  private final String zone;
  private final int maxEndpointsPerSlice;
  private final int nodePortMin;
  private final int nodePortMax;
  private final EndpointSliceController controller;

  private final Object lock = new Object();
  private final IpPool podIps; // guarded by lock
  private final IpPool serviceIps; // guarded by lock
  private final IpPool nodeIps; // guarded by lock
  private final IpPool ingressIps; // guarded by lock
  private long sliceSequence; // guarded by lock
  private boolean mutating; // guarded by lock
  private volatile ClusterSnapshot current;

  private final CopyOnWriteArrayList<ListenerEntry> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<ClusterEvent> pending = new ConcurrentLinkedQueue<>();
  private final ReentrantLock delivering = new ReentrantLock();

  private FakeCluster(Builder b) {
    this.zone = b.zone;
    this.maxEndpointsPerSlice = b.maxEndpointsPerSlice;
    this.nodePortMin = b.nodePortMin;
    this.nodePortMax = b.nodePortMax;
    this.controller = new EndpointSliceController(maxEndpointsPerSlice);
    this.podIps = new IpPool("pod", b.firstPodIp);
    this.serviceIps = new IpPool("service", b.firstServiceIp);
    this.nodeIps = new IpPool("node", b.firstNodeIp);
    this.ingressIps = new IpPool("load balancer ingress", b.firstIngressIp);
    this.current =
        new ClusterSnapshot(
            0,
            zone,
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>());
  }

  /** An empty cluster with zone {@code cluster.local} and the default address pools. */
  public static FakeCluster create() {
    return builder().build();
  }

  /** A builder to set the zone, the address pools, the node port range and the slice size. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cluster DNS zone, such as {@code cluster.local}. */
  public String zone() {
    return zone;
  }

  /** The most endpoints one EndpointSlice holds. */
  public int maxEndpointsPerSlice() {
    return maxEndpointsPerSlice;
  }

  /** The current state, immutable. */
  public ClusterSnapshot snapshot() {
    return current;
  }

  /** The current resource version (0 for a cluster never changed). */
  public long resourceVersion() {
    return current.resourceVersion();
  }

  /** Every namespace. */
  public List<Namespace> namespaces() {
    return current.namespaces();
  }

  /** Every node. */
  public List<Node> nodes() {
    return current.nodes();
  }

  /** The node named {@code name}. */
  public Optional<Node> node(String name) {
    return current.node(name);
  }

  /** Every pod. */
  public List<Pod> pods() {
    return current.pods();
  }

  /** The pods of {@code namespace}. */
  public List<Pod> pods(String namespace) {
    return current.pods(namespace);
  }

  /** The pod {@code namespace/name}. */
  public Optional<Pod> pod(String namespace, String name) {
    return current.pod(namespace, name);
  }

  /** Every Service. */
  public List<Service> services() {
    return current.services();
  }

  /** The Service {@code namespace/name}. */
  public Optional<Service> service(String namespace, String name) {
    return current.service(namespace, name);
  }

  /** Every EndpointSlice. */
  public List<EndpointSlice> endpointSlices() {
    return current.endpointSlices();
  }

  /** The EndpointSlices of Service {@code namespace/service}. */
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    return current.endpointSlices(namespace, service);
  }

  /**
   * Calls {@code listener} with every later change. See {@link ClusterListener} for the delivery
   * contract.
   */
  public Subscription subscribe(ClusterListener listener) {
    ListenerEntry entry = new ListenerEntry(Objects.requireNonNull(listener, "listener"));
    listeners.add(entry);
    return () -> {
      entry.active = false;
      listeners.remove(entry);
    };
  }

  /**
   * Applies every mutation {@code changes} makes on the given {@link ClusterMutations} as one
   * atomic change with one event; if any of them throws, none is applied. Use only the given object
   * inside: calling this cluster's mutations there throws {@link IllegalStateException}.
   */
  public void batch(Consumer<ClusterMutations> changes) {
    Objects.requireNonNull(changes, "changes");
    mutate(
        s -> {
          changes.accept(s);
          return null;
        });
  }

  @Override
  public Namespace createNamespace(String name) {
    return mutate(s -> s.createNamespace(name));
  }

  @Override
  public Node apply(Node node) {
    return mutate(s -> s.apply(node));
  }

  @Override
  public Pod apply(Pod pod) {
    return mutate(s -> s.apply(pod));
  }

  @Override
  public Service apply(Service service) {
    return mutate(s -> s.apply(service));
  }

  @Override
  public void deleteNamespace(String name) {
    mutate(
        s -> {
          s.deleteNamespace(name);
          return null;
        });
  }

  @Override
  public void deleteNode(String name) {
    mutate(
        s -> {
          s.deleteNode(name);
          return null;
        });
  }

  @Override
  public void deletePod(String namespace, String name) {
    mutate(
        s -> {
          s.deletePod(namespace, name);
          return null;
        });
  }

  @Override
  public void deleteService(String namespace, String name) {
    mutate(
        s -> {
          s.deleteService(namespace, name);
          return null;
        });
  }

  @Override
  public Pod setReady(String namespace, String name, boolean ready) {
    return mutate(s -> s.setReady(namespace, name, ready));
  }

  @Override
  public Pod startTerminating(String namespace, String name) {
    return mutate(s -> s.startTerminating(namespace, name));
  }

  @Override
  public Pod relabel(String namespace, String name, Map<String, String> labels) {
    return mutate(s -> s.relabel(namespace, name, labels));
  }

  @Override
  public List<Pod> scale(Pod template, int replicas) {
    return mutate(s -> s.scale(template, replicas));
  }

  @Override
  public List<Pod> scale(String namespace, String prefix, int replicas) {
    return mutate(s -> s.scale(namespace, prefix, replicas));
  }

  private <T> T mutate(Function<State, T> change) {
    T result;
    synchronized (lock) {
      if (mutating) {
        throw new IllegalStateException(
            "cluster: mutated from inside batch(...) (expected: use the ClusterMutations that"
                + " batch passes to the lambda)");
      }
      mutating = true;
      try {
        State state = new State(current);
        result = change.apply(state);
        state.commit();
      } finally {
        mutating = false;
      }
    }
    deliver();
    return result;
  }

  private void deliver() {
    while (!pending.isEmpty()) {
      if (delivering.isHeldByCurrentThread() || !delivering.tryLock()) {
        return; // the thread delivering now (maybe this one, further up) delivers it
      }
      try {
        ClusterEvent event;
        while ((event = pending.poll()) != null) {
          for (ListenerEntry entry : listeners) {
            if (!entry.active) {
              continue;
            }
            try {
              entry.listener.onEvent(event);
            } catch (RuntimeException e) {
              log.warn(
                  "A cluster listener threw on resource version {}", event.resourceVersion(), e);
            }
          }
        }
      } finally {
        delivering.unlock();
      }
    }
  }

  private static final class ListenerEntry {
    final ClusterListener listener;
    volatile boolean active = true;

    ListenerEntry(ClusterListener listener) {
      this.listener = listener;
    }
  }

  @Override
  public String toString() {
    return "FakeCluster[zone=" + zone + ", " + current + "]";
  }

  /** A working copy of the state: the mutations of one atomic change. Guarded by the lock. */
  private final class State implements ClusterMutations {
    private final ClusterSnapshot base;
    private final TreeMap<String, Namespace> namespaces;
    private final TreeMap<String, Node> nodes;
    private final TreeMap<String, Pod> pods;
    private final TreeMap<String, Service> services;
    private final Map<InetAddress, String> ipOwners = new HashMap<>();

    State(ClusterSnapshot base) {
      this.base = base;
      this.namespaces = new TreeMap<>(base.namespaceMap());
      this.nodes = new TreeMap<>(base.nodeMap());
      this.pods = new TreeMap<>(base.podMap());
      this.services = new TreeMap<>(base.serviceMap());
      nodes.values().forEach(n -> own(n.addresses(), owner(n)));
      pods.values().forEach(p -> own(p.ips(), owner(p)));
      services.values().forEach(s -> own(serviceIps(s), owner(s)));
    }

    private void own(List<InetAddress> ips, String owner) {
      ips.forEach(ip -> ipOwners.put(ip, owner));
    }

    private void disown(List<InetAddress> ips) {
      ips.forEach(ipOwners::remove);
    }

    private void checkFree(List<InetAddress> ips, String owner, String field) {
      for (InetAddress ip : ips) {
        String other = ipOwners.get(ip);
        if (other != null && !other.equals(owner)) {
          throw Validation.invalid(
              field,
              ip.getHostAddress() + " is used by " + other,
              "an address no other object has");
        }
      }
    }

    private boolean used(InetAddress ip) {
      return ipOwners.containsKey(ip);
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
      List<InetAddress> addresses = node.addresses();
      if (addresses.isEmpty()) {
        addresses =
            previous != null && !previous.addresses().isEmpty()
                ? previous.addresses()
                : List.of(nodeIps.next(this::used));
      }
      String owner = owner(node);
      checkFree(addresses, owner, owner + " addresses");
      Node stored = new Node(node.name(), addresses, node.zone(), node.labels());
      if (previous != null) {
        disown(previous.addresses());
      }
      own(addresses, owner);
      nodes.put(node.name(), stored);
      return stored;
    }

    @Override
    public Pod apply(Pod pod) {
      Objects.requireNonNull(pod, "pod");
      String owner = owner(pod);
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
      List<InetAddress> ips = pod.ips();
      if (ips.isEmpty()) {
        ips =
            previous != null && !previous.ips().isEmpty()
                ? previous.ips()
                : List.of(podIps.next(this::used));
      }
      checkFree(ips, owner, owner + " ip");
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
        disown(previous.ips());
      }
      own(ips, owner);
      pods.put(key, stored);
      return stored;
    }

    @Override
    public Service apply(Service service) {
      Objects.requireNonNull(service, "service");
      String owner = owner(service);
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
            allocated.add(serviceIps.next(this::used));
          }
          clusterIps = allocated;
        }
      }
      checkFree(clusterIps, owner, owner + " clusterIP");
      List<Service.Port> ports = nodePorts(service, previous, owner);
      List<LoadBalancerIngress> ingress = service.loadBalancerIngress();
      if (service.type() == ServiceType.LOAD_BALANCER && ingress.isEmpty()) {
        ingress =
            previous != null && !previous.loadBalancerIngress().isEmpty()
                ? previous.loadBalancerIngress()
                : List.of(new LoadBalancerIngress(ingressIps.next(this::used), null));
      }
      List<InetAddress> ingressIpList =
          ingress.stream().map(LoadBalancerIngress::ip).filter(Objects::nonNull).toList();
      checkFree(ingressIpList, owner, owner + " load balancer ingress ip");
      Service stored =
          new Service(
              service.namespace(),
              service.name(),
              service.type(),
              service.headless(),
              clusterIps,
              service.ipFamilies(),
              service.selector(),
              ports,
              service.externalName(),
              service.publishNotReadyAddresses(),
              service.sessionAffinity(),
              service.sessionAffinityTimeout(),
              ingress);
      createNamespace(service.namespace());
      if (previous != null) {
        disown(serviceIps(previous));
      }
      own(serviceIps(stored), owner);
      services.put(key, stored);
      return stored;
    }

    private List<Service.Port> nodePorts(Service service, Service previous, String owner) {
      if (service.type() != ServiceType.NODE_PORT && service.type() != ServiceType.LOAD_BALANCER) {
        return service.ports();
      }
      Map<String, String> taken = new HashMap<>(); // "30080/TCP" -> owner
      for (Service other : services.values()) {
        if (!owner(other).equals(owner)) {
          other.ports().stream()
              .filter(p -> p.nodePort() != 0)
              .forEach(p -> taken.put(p.nodePort() + "/" + p.protocol(), owner(other)));
        }
      }
      List<Service.Port> out = new ArrayList<>();
      List<Service.Port> ports = service.ports();
      for (int i = 0; i < ports.size(); i++) {
        Service.Port p = ports.get(i);
        String field = owner + " ports[" + i + "].nodePort";
        int nodePort = p.nodePort();
        if (nodePort != 0) {
          if (nodePort < nodePortMin || nodePort > nodePortMax) {
            throw Validation.invalid(
                field, Integer.toString(nodePort), nodePortMin + ".." + nodePortMax);
          }
          String other = taken.get(nodePort + "/" + p.protocol());
          if (other != null) {
            throw Validation.invalid(
                field,
                nodePort + " is already used by " + other,
                "a node port no other Service uses");
          }
        } else {
          nodePort = previousNodePort(previous, p, taken);
          if (nodePort == 0) {
            nodePort = nodePortMin;
            while (nodePort <= nodePortMax && taken.containsKey(nodePort + "/" + p.protocol())) {
              nodePort++;
            }
            if (nodePort > nodePortMax) {
              throw Validation.invalid(
                  field, "none free", "a free node port in " + nodePortMin + ".." + nodePortMax);
            }
          }
        }
        taken.put(nodePort + "/" + p.protocol(), owner);
        out.add(p.nodePort(nodePort));
      }
      return out;
    }

    private int previousNodePort(Service previous, Service.Port p, Map<String, String> taken) {
      if (previous == null) {
        return 0;
      }
      for (Service.Port old : previous.ports()) {
        if (old.nodePort() != 0
            && Objects.equals(old.name(), p.name())
            && old.protocol() == p.protocol()
            && !taken.containsKey(old.nodePort() + "/" + p.protocol())) {
          return old.nodePort();
        }
      }
      return 0;
    }

    @Override
    public void deleteNamespace(String name) {
      if (namespaces.remove(name) == null) {
        throw missing("namespace", name, namespaces.keySet());
      }
      removeAll(ClusterSnapshot.inNamespace(pods, name), p -> disown(p.ips()));
      removeAll(ClusterSnapshot.inNamespace(services, name), s -> disown(serviceIps(s)));
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
      disown(node.addresses());
    }

    @Override
    public void deletePod(String namespace, String name) {
      Pod pod = pod(namespace, name);
      pods.remove(ClusterSnapshot.key(namespace, name));
      disown(pod.ips());
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
      disown(serviceIps(service));
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
      for (Pod p : ClusterSnapshot.inNamespace(pods, namespace).values()) {
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

    /** Re-derives the EndpointSlices and publishes the new snapshot, if anything changed. */
    void commit() {
      long rv = base.resourceVersion() + 1;
      TreeMap<String, EndpointSlice> slices = new TreeMap<>();
      Map<String, List<EndpointSlice>> existing = new HashMap<>();
      for (EndpointSlice s : base.sliceMap().values()) {
        existing
            .computeIfAbsent(
                ClusterSnapshot.key(s.namespace(), s.serviceName()), k -> new ArrayList<>())
            .add(s);
      }
      for (Service service : services.values()) {
        String key = ClusterSnapshot.key(service.namespace(), service.name());
        List<EndpointSlice> derived =
            controller.reconcile(
                service,
                ClusterSnapshot.inNamespace(pods, service.namespace()).values(),
                nodes::get,
                existing.getOrDefault(key, List.of()),
                () -> sliceName(service.name()),
                rv);
        derived.forEach(s -> slices.put(ClusterSnapshot.key(s.namespace(), s.name()), s));
      }
      List<ClusterEvent.Change> changes = new ArrayList<>();
      List<ClusterEvent.Change> deletions = new ArrayList<>();
      diff(base.namespaceMap(), namespaces, changes, deletions);
      diff(base.nodeMap(), nodes, changes, deletions);
      diff(base.serviceMap(), services, changes, deletions);
      diff(base.podMap(), pods, changes, deletions);
      diff(base.sliceMap(), slices, changes, deletions);
      if (changes.isEmpty() && deletions.isEmpty()) {
        return;
      }
      for (int i = deletions.size() - 1; i >= 0; i--) {
        changes.add(deletions.get(i));
      }
      current = new ClusterSnapshot(rv, zone, namespaces, nodes, pods, services, slices);
      pending.add(new ClusterEvent(rv, changes));
    }

    private String sliceName(String service) {
      String prefix = service.length() > 57 ? service.substring(0, 57) : service;
      return String.format("%s-%05d", prefix, ++sliceSequence);
    }
  }

  private static <V extends ClusterObject> void diff(
      Map<String, V> before,
      Map<String, V> after,
      List<ClusterEvent.Change> changes,
      List<ClusterEvent.Change> deletions) {
    for (Map.Entry<String, V> e : after.entrySet()) {
      V old = before.get(e.getKey());
      if (old == null) {
        changes.add(new ClusterEvent.Change(ClusterEvent.Type.ADDED, e.getValue()));
      } else if (!old.equals(e.getValue())) {
        changes.add(new ClusterEvent.Change(ClusterEvent.Type.MODIFIED, e.getValue()));
      }
    }
    List<ClusterEvent.Change> deleted = new ArrayList<>();
    for (Map.Entry<String, V> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        deleted.add(new ClusterEvent.Change(ClusterEvent.Type.DELETED, e.getValue()));
      }
    }
    // Reversed again when appended, so deletions of one kind keep name order.
    for (int i = deleted.size() - 1; i >= 0; i--) {
      deletions.add(deleted.get(i));
    }
  }

  private static String owner(ClusterObject o) {
    return o.kind().toLowerCase(java.util.Locale.ROOT) + " " + o.id();
  }

  private static List<InetAddress> serviceIps(Service s) {
    List<InetAddress> ips = new ArrayList<>(s.clusterIps());
    s.loadBalancerIngress().stream()
        .map(LoadBalancerIngress::ip)
        .filter(Objects::nonNull)
        .forEach(ips::add);
    return ips;
  }

  private static IllegalArgumentException missing(
      String kind, String id, java.util.Collection<String> have) {
    String list =
        have.isEmpty()
            ? "none"
            : have.stream().limit(10).collect(Collectors.joining(", "))
                + (have.size() > 10 ? ", ..." : "");
    return Validation.invalid(
        kind, id + " does not exist", "an existing " + kind + " (have: " + list + ")");
  }

  /** Builds a {@link FakeCluster}. */
  public static final class Builder {
    private String zone = DEFAULT_ZONE;
    private int maxEndpointsPerSlice = DEFAULT_MAX_ENDPOINTS_PER_SLICE;
    private int nodePortMin = 30000;
    private int nodePortMax = 32767;
    private InetAddress firstPodIp = Validation.ip("first pod ip", "127.0.1.1");
    private InetAddress firstServiceIp = Validation.ip("first service ip", "127.1.0.1");
    private InetAddress firstNodeIp = Validation.ip("first node ip", "127.2.0.1");
    private InetAddress firstIngressIp = Validation.ip("first ingress ip", "127.3.0.1");

    private Builder() {}

    /** The cluster DNS zone (default {@code cluster.local}). */
    public Builder zone(String zone) {
      Objects.requireNonNull(zone, "zone");
      String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
      this.zone = Validation.dns1123Subdomain("zone", z.toLowerCase(java.util.Locale.ROOT));
      return this;
    }

    /** The most endpoints per EndpointSlice, 1..1000 (default 100, as in Kubernetes). */
    public Builder maxEndpointsPerSlice(int max) {
      if (max < 1 || max > 1000) {
        throw Validation.invalid("maxEndpointsPerSlice", Integer.toString(max), "1..1000");
      }
      this.maxEndpointsPerSlice = max;
      return this;
    }

    /** The node port range (default 30000..32767). */
    public Builder nodePortRange(int min, int max) {
      Validation.port("node port range min", min);
      Validation.port("node port range max", max);
      if (min > max) {
        throw Validation.invalid("node port range", min + ".." + max, "min <= max");
      }
      this.nodePortMin = min;
      this.nodePortMax = max;
      return this;
    }

    /** The first pod IP handed out (default {@code 127.0.1.1}). */
    public Builder firstPodIp(String ip) {
      this.firstPodIp = Validation.ip("first pod ip", ip);
      return this;
    }

    /** The first ClusterIP handed out (default {@code 127.1.0.1}). */
    public Builder firstServiceIp(String ip) {
      this.firstServiceIp = Validation.ip("first service ip", ip);
      return this;
    }

    /** The first node address handed out (default {@code 127.2.0.1}). */
    public Builder firstNodeIp(String ip) {
      this.firstNodeIp = Validation.ip("first node ip", ip);
      return this;
    }

    /** The first load balancer ingress IP handed out (default {@code 127.3.0.1}). */
    public Builder firstIngressIp(String ip) {
      this.firstIngressIp = Validation.ip("first ingress ip", ip);
      return this;
    }

    public FakeCluster build() {
      return new FakeCluster(this);
    }
  }
}
