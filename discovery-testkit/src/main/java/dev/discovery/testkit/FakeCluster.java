package dev.discovery.testkit;

import dev.discovery.api.Subscription;
import dev.discovery.testkit.internal.AddressAllocator;
import dev.discovery.testkit.internal.ClusterEventDelivery;
import dev.discovery.testkit.internal.EndpointSliceController;
import dev.discovery.testkit.internal.NodePortAllocator;
import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Kubernetes cluster in memory: namespaces, nodes, pods and Services of every type, with
 * EndpointSlices derived from selectors as Kubernetes' EndpointSlice controller derives them, and
 * hand-made EndpointSlices beside them. Every object has {@link #metadata metadata} (uid, resource
 * version, creation time) as the API server keeps it.
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
  /** The default cluster DNS zone. */
  public static final String DEFAULT_ZONE = "cluster.local";

  /** Kubernetes' default: at most 100 endpoints per EndpointSlice. */
  public static final int DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

  private final String zone;
  private final int maxEndpointsPerSlice;
  private final EndpointSliceController controller;
  private final Clock clock;
  private final NodePortAllocator nodePorts;
  private final ClusterEventDelivery events = new ClusterEventDelivery();

  private final Object lock = new Object();
  private final AddressAllocator addresses; // guarded by lock
  private long sliceSequence; // guarded by lock
  private boolean mutating; // guarded by lock
  private volatile ClusterSnapshot current;

  private FakeCluster(Builder b) {
    this.zone = b.zone;
    this.maxEndpointsPerSlice = b.maxEndpointsPerSlice;
    this.clock = b.clock;
    this.controller = new EndpointSliceController(maxEndpointsPerSlice);
    this.nodePorts = new NodePortAllocator(b.nodePortMin, b.nodePortMax);
    this.addresses =
        new AddressAllocator(b.firstPodIp, b.firstServiceIp, b.firstNodeIp, b.firstIngressIp);
    this.current =
        new ClusterSnapshot(
            0,
            zone,
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            Map.of());
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

  /**
   * The current metadata of the object of {@code object}'s kind and id.
   *
   * @throws IllegalArgumentException if the cluster holds no such object
   * @see ClusterSnapshot#metadata(ClusterObject)
   */
  public ObjectMetadata metadata(ClusterObject object) {
    return current.metadata(object);
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
    return events.subscribe(listener);
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
  public EndpointSlice apply(EndpointSlice slice) {
    return mutate(s -> s.apply(slice));
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
  public void deleteEndpointSlice(String namespace, String name) {
    mutate(
        s -> {
          s.deleteEndpointSlice(namespace, name);
          return null;
        });
  }

  @Override
  public Node setNodeReady(String name, boolean ready) {
    return mutate(s -> s.setNodeReady(name, ready));
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

  private <T> T mutate(Function<ClusterChange, T> mutation) {
    T result;
    synchronized (lock) {
      if (mutating) {
        throw new IllegalStateException(
            "cluster: mutated from inside batch(...) (expected: use the ClusterMutations that"
                + " batch passes to the lambda)");
      }
      mutating = true;
      try {
        ClusterChange change =
            new ClusterChange(
                current, controller, addresses, nodePorts, () -> ++sliceSequence, clock);
        result = mutation.apply(change);
        ClusterChange.Committed committed = change.commit();
        if (committed != null) {
          current = committed.snapshot();
          events.queue(committed.event());
        }
      } finally {
        mutating = false;
      }
    }
    events.deliver();
    return result;
  }

  @Override
  public String toString() {
    return "FakeCluster[zone=" + zone + ", " + current + "]";
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
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The cluster DNS zone (default {@code cluster.local}). */
    public Builder zone(String zone) {
      Objects.requireNonNull(zone, "zone");
      String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
      this.zone = Validation.dns1123Subdomain("zone", z.toLowerCase(Locale.ROOT));
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

    /**
     * The clock of the objects' {@code creationTimestamp} (default the system clock in UTC), read
     * once per change and truncated to seconds.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public FakeCluster build() {
      return new FakeCluster(this);
    }
  }
}
