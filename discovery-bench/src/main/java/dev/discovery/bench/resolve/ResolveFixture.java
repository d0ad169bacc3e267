package dev.discovery.bench.resolve;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A watch of one Service through the {@code k8s+dns} source, asking the testkit's {@link
 * FakeDnsServer} on loopback, with a way to run one lookup at a time and wait for its result.
 *
 * <p>Everything is what a user's watch runs: {@link Discovery#builder()} with its real clock and
 * its own {@code discovery-*} threads, {@link DnsResolverProvider} (dnsjava, UDP with the TCP retry
 * of truncated answers), the watch's shared resolver comparing each answer with the last snapshot.
 * Two settings differ from the defaults, both so that one lookup is one resolution: {@code
 * minRefresh} is 1 ns (by default a watch's {@code refresh()} is rate-limited to one per second),
 * and the server's TTL is 30 s (kubeadm's), so the resolver's own TTL timer never fires during a
 * measurement (each lookup reschedules it).
 *
 * <p>How a lookup is observed: the provider is wrapped so that the resolver's listener, after
 * handing each result to the watch, queues a signal in the same serialized context; the signal
 * therefore runs after the watch has handled the result. {@link #lookup()} calls {@link
 * ServiceWatch#refresh()} and parks until that signal, then checks the result: a lookup that
 * failed, or returned other than every endpoint, fails the benchmark.
 */
public final class ResolveFixture implements AutoCloseable {
  /** How long one lookup may take before the benchmark fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  static final String NAMESPACE = "bench";

  /** A Service shape measured. */
  public enum Shape {
    /** A ClusterIP Service: one virtual address (3 ready pods behind it, not in the answer). */
    CLUSTER_IP("clusterip", "api", 3, ServiceKind.CLUSTER_IP, 1),
    /** A headless Service of 100 ready pods. */
    HEADLESS_100("headless-100", "web100", 100, ServiceKind.HEADLESS, 100),
    /** A headless Service of 1000 ready pods: the answers need TCP. */
    HEADLESS_1000("headless-1000", "web1000", 1000, ServiceKind.HEADLESS, 1000);

    final String param;
    final String service;
    final int pods;
    final ServiceKind kind;
    final int endpoints;

    Shape(String param, String service, int pods, ServiceKind kind, int endpoints) {
      this.param = param;
      this.service = service;
      this.pods = pods;
      this.kind = kind;
      this.endpoints = endpoints;
    }

    /** The shape a benchmark parameter names. */
    public static Shape of(String param) {
      for (Shape s : values()) {
        if (s.param.equals(param)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "service: \"" + param + "\" (expected: clusterip, headless-100 or headless-1000)");
    }

    /** The Service and its ready pods, in {@code cluster}. */
    void create(FakeCluster cluster) {
      Service.Builder svc =
          kind == ServiceKind.CLUSTER_IP
              ? Service.clusterIp(NAMESPACE, service).port("http", 80, 8080)
              : Service.headless(NAMESPACE, service).port("http", 8080, "http");
      cluster.apply(svc.selector("app", service).build());
      cluster.scale(
          Pod.builder(NAMESPACE, service).label("app", service).containerPort("http", 8080).build(),
          pods);
    }

    /** {@code <service>.bench:<port>}: the Service port by number, or its name through SRV. */
    String target(boolean portByName) {
      String port = portByName ? "http" : kind == ServiceKind.CLUSTER_IP ? "80" : "8080";
      return service + "." + NAMESPACE + ":" + port;
    }
  }

  private final Shape shape;
  private final FakeCluster cluster = FakeCluster.create();
  private final FakeDnsServer dns;
  private final Discovery discovery;
  private final ServiceWatch watch;
  private final AtomicLong handled = new AtomicLong();
  private volatile ResolutionResult last;
  private volatile Thread waiter;

  private ResolveFixture(Shape shape, boolean portByName) {
    this.shape = shape;
    shape.create(cluster);
    this.dns = FakeDnsServer.builder(cluster).ttl(Duration.ofSeconds(30)).start();
    DnsResolverProvider source =
        DnsResolverProvider.builder()
            .minRefresh(Duration.ofNanos(1))
            .queryTimeout(Duration.ofSeconds(5))
            .random(new Random(1))
            .build();
    this.discovery =
        Discovery.builder()
            .registry(ResolverRegistry.of(new Signalling(source)))
            .environment(Environment.of(Map.of(), Map.of()))
            .build();
    this.watch = discovery.watch(dns.target(shape.target(portByName)));
    awaitResult(0); // the watch's first resolution
  }

  /**
   * Starts the DNS server for {@code shape}'s cluster and a watch of it (port by name or number),
   * and waits for the first complete result.
   */
  public static ResolveFixture start(Shape shape, boolean portByName) {
    ResolveFixture f = new ResolveFixture(shape, portByName);
    try {
      f.check();
      return f;
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** One lookup: asks the watch to refresh, waits until it has handled the answer, checks it. */
  public EndpointSet lookup() {
    long before = handled.get();
    watch.refresh();
    awaitResult(before);
    return check();
  }

  private void awaitResult(long before) {
    waiter = Thread.currentThread();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (handled.get() == before) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "lookup of "
                + watch.target()
                + ": no result within "
                + TIMEOUT.toSeconds()
                + " s (last error: "
                + watch.lastError().orElse(null)
                + ")");
      }
      LockSupport.parkNanos(this, left);
    }
  }

  private EndpointSet check() {
    ResolutionResult r = last;
    if (r instanceof ResolutionResult.Resolved resolved
        && resolved.endpoints().size() == shape.endpoints
        && resolved.endpoints().kind() == shape.kind) {
      return resolved.endpoints();
    }
    throw new IllegalStateException(
        "lookup of "
            + watch.target()
            + ": "
            + (r instanceof ResolutionResult.Resolved resolved ? resolved.endpoints().summary() : r)
            + " (expected: "
            + shape.endpoints
            + " endpoints of a "
            + shape.kind
            + " Service)");
  }

  /** The cluster the DNS server serves. */
  public FakeCluster cluster() {
    return cluster;
  }

  /** The DNS server asked. */
  public FakeDnsServer dns() {
    return dns;
  }

  /** The watch looked up. */
  public ServiceWatch watch() {
    return watch;
  }

  @Override
  public void close() {
    discovery.close();
    dns.close();
  }

  private void signal(ResolutionResult result) {
    last = result;
    handled.incrementAndGet();
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /**
   * The DNS source, unchanged, whose resolvers' results are also signalled to the fixture once the
   * watch has handled them.
   */
  private final class Signalling implements ResolverProvider {
    private final ResolverProvider source;

    Signalling(ResolverProvider source) {
      this.source = source;
    }

    @Override
    public String scheme() {
      return source.scheme();
    }

    @Override
    public Target parse(String target) {
      return source.parse(target);
    }

    @Override
    public Resolver newResolver(Target target, ResolverContext context) {
      Resolver resolver = source.newResolver(target, context);
      return new Resolver() {
        @Override
        public void start(Listener watch) {
          resolver.start(
              result -> {
                watch.onResult(result); // queues the watch's handling in the context...
                context.syncContext().execute(() -> signal(result)); // ...and this after it
              });
        }

        @Override
        public void refresh() {
          resolver.refresh();
        }

        @Override
        public void close() {
          resolver.close();
        }
      };
    }
  }
}
