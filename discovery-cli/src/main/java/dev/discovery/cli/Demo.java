package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The story {@code discovery demo} plays: a FakeCluster and a FakeDnsServer in this process, the
 * SDK watching {@code web} through real DNS on loopback, and a series of changes (scale up, a pod
 * unready, a pod terminating, the DNS server down and back). Each step makes its change, waits for
 * the watch to see it (bounded), then picks through the SDK's random and sticky balancers. A last
 * act adds a FakeApiServer on the same cluster: one scale-up seen through the Kubernetes API (in
 * milliseconds) and through DNS (at its TTL), and a NodePort Service seen from outside the cluster
 * as node addresses. What is printed, and how, is {@link DemoPrinter}'s.
 */
final class Demo {
  /** The story's steps, for headings ({@code 3/7}). */
  static final int STEPS = 9;

  /** The bound on each wait for the watch; the story fails (exit code 4) past it. */
  static final Duration WAIT = Duration.ofSeconds(15);

  static final Duration TTL = Duration.ofSeconds(1);
  static final Duration MIN_REFRESH = Duration.ofMillis(250);
  static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(200), 2.0, 0.2, Duration.ofSeconds(2));
  static final int RETRIES_SHOWN = 3;

  /**
   * What the demo is asked for.
   *
   * @param stepDelay a pause after each step, for a live audience (zero: none)
   * @param keys sticky keys
   * @param calls picks per chart
   * @param seed the seed of the random picks and of the resolver's refresh jitter
   * @param width the longest bar
   * @param glyph the bar glyph
   */
  record Settings(Duration stepDelay, int keys, int calls, long seed, int width, char glyph) {}

  private final DemoPrinter print;
  private final Settings settings;
  private final Signal signal = new Signal();
  private final AtomicReference<EndpointSet> delivered = new AtomicReference<>();
  private final List<String> keys;
  private int changes;
  private int failures;

  private final DnsResolverProvider dnsSource;

  Demo(PrintWriter out, Settings settings) {
    this.print = new DemoPrinter(out, settings);
    this.settings = settings;
    this.keys = PickStats.keys(settings.keys());
    this.dnsSource =
        DnsResolverProvider.builder()
            .queryTimeout(Duration.ofMillis(500))
            .minRefresh(MIN_REFRESH)
            .backoff(BACKOFF)
            .random(new Random(settings.seed()))
            .build();
  }

  /** Plays the story; returns normally when every step happened. */
  void run() throws InterruptedException {
    long started = System.nanoTime();
    FakeCluster cluster = FakeCluster.create();
    shop(cluster);
    // The API server (its CA, its TLS) starts while the DNS story plays; the last acts use it.
    CompletableFuture<FakeApiServer> apiServer =
        CompletableFuture.supplyAsync(() -> FakeApiServer.start(cluster));
    try (FakeDnsServer dns = FakeDnsServer.builder(cluster).ttl(TTL).start();
        Closer scheduler = new Closer(new RecordingScheduler(signal));
        Discovery discovery = discovery(scheduler.scheduler, ResolverRegistry.of(dnsSource))) {
      dns.externalHost("db.example.com", "127.0.9.9");
      print.intro(dns, TTL);
      overview(cluster, dns, discovery);
      story(cluster, dns, discovery, scheduler.scheduler);
      apiAct(cluster, dns, apiServer.join(), scheduler.scheduler);
    } finally {
      apiServer.whenComplete(
          (api, failed) -> {
            if (api != null) {
              api.close();
            }
          });
    }
    print.done(since(started), changes, failures);
  }

  private Discovery discovery(RecordingScheduler scheduler, ResolverRegistry registry) {
    return Discovery.builder()
        .scheduler(scheduler)
        .environment(Environment.of(Map.of(), Map.of()))
        .registry(registry)
        .build();
  }

  /**
   * Nodes node-1 and node-2 (ready) and node-3 (not ready); namespace shop: a headless web of 3
   * pods, a ClusterIP api, a NodePort front, an ExternalName db.
   */
  static void shop(FakeCluster cluster) {
    cluster.apply(Node.builder("node-1").zone("zone-a").build());
    cluster.apply(Node.builder("node-2").zone("zone-b").build());
    cluster.apply(Node.builder("node-3").zone("zone-b").ready(false).build());
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web")
            .label("app", "web")
            .containerPort("grpc", 50051)
            .subdomain("web")
            .build(),
        3);
    cluster.apply(
        Service.clusterIp("shop", "api").selector("app", "api").port("grpc", 443, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "api").label("app", "api").containerPort("grpc", 8443).build(), 2);
    cluster.apply(
        Service.nodePort("shop", "front")
            .selector("app", "front")
            .port(Service.Port.of("http", 80).targetPort(8080).nodePort(30080))
            .build());
    cluster.apply(
        Pod.builder("shop", "front-0").label("app", "front").containerPort("http", 8080).build());
    cluster.apply(Service.externalName("shop", "db", "db.example.com").build());
  }

  // ---- step 1: every Service shape, once ----

  /** A Service of the story and the target the demo resolves it by. */
  private record Shape(String service, String target) {}

  private static final List<Shape> SHAPES =
      List.of(
          new Shape("web", "web.shop:grpc"),
          new Shape("api", "api.shop:grpc"),
          new Shape("front", "front.shop:http"),
          new Shape("db", "db.shop:5432"));

  private void overview(FakeCluster cluster, FakeDnsServer dns, Discovery discovery)
      throws InterruptedException {
    print.heading("The cluster: namespace shop, four Services, resolved once through the SDK");
    List<DemoPrinter.ServiceRow> rows = new ArrayList<>();
    for (Shape shape : SHAPES) {
      Service s = cluster.service("shop", shape.service()).orElseThrow();
      EndpointSet set;
      try (ServiceWatch w = discovery.watch(dns.target(shape.target()))) {
        set = firstOf(w);
      }
      long pods = cluster.pods("shop").stream().filter(p -> matches(s, p)).count();
      rows.add(new DemoPrinter.ServiceRow(s, pods, shape.target(), set));
    }
    print.services(rows);
    pause();
  }

  private static boolean matches(Service s, Pod p) {
    return !s.selector().isEmpty()
        && s.selector().entrySet().stream()
            .allMatch(e -> e.getValue().equals(p.labels().get(e.getKey())));
  }

  private EndpointSet firstOf(ServiceWatch w) throws InterruptedException {
    try {
      return w.first().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new Signal.NotMet("resolving " + w.target() + " failed: " + e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Signal.NotMet(
          "resolving " + w.target() + " did not finish within " + Durations.format(WAIT));
    }
  }

  // ---- steps 2 to 7: one watch of web through changes and an outage ----

  private ServiceWatch web;
  private final Random randomSource = new Random();
  private Balancer random;
  private Balancer sticky;
  private EndpointSet shown;
  private Map<String, InetSocketAddress> owners;
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicReference<ResolutionError> outageError = new AtomicReference<>();
  private final AtomicInteger retriesFrom = new AtomicInteger(-1);

  private void story(
      FakeCluster cluster, FakeDnsServer dns, Discovery discovery, RecordingScheduler scheduler)
      throws InterruptedException {
    print.heading("Watch web through the SDK");
    String target = dns.target("web.shop:grpc");
    long started = System.nanoTime();
    print.watching(target);
    try (ServiceWatch w = discovery.watch(target)) {
      web = w;
      // The balancers subscribe before the demo does, so they have every change first.
      random = web.balancer(Policies.random(randomSource));
      sticky = web.balancer(Policies.sticky());
      web.subscribe(
          e -> {
            if (e instanceof WatchEvent.Failed f
                && outage.get()
                && outageError.compareAndSet(null, f.error())) {
              // The resolver scheduled its first retry just before it reported the failure.
              retriesFrom.set(scheduler.count() - 1);
            }
            if (e instanceof WatchEvent.Changed c) {
              delivered.set(c.current());
            }
            signal.fire();
          });
      EndpointSet first = await(s -> true, "the first answer for web");
      print.firstAnswer(first, since(started));
      show(first);
      pause();

      clusterChange(
          "Scale up: web from 3 to 5 pods",
          () -> cluster.scale("shop", "web", 5),
          () -> List.of("scaled shop/web to 5 pods; web-3 and web-4 start ready"),
          s -> s.size() == 5,
          "web with 5 endpoints");
      clusterChange(
          "A pod turns unready: web-1 fails its readiness probe",
          () -> cluster.setReady("shop", "web-1", false),
          () ->
              List.of(
                  "shop/web-1 Ready=false; " + slice(cluster, "web-1"),
                  "DNS publishes ready endpoints only, so web-1 leaves the answer"),
          s -> s.size() == 4 && !has(s, "web-1"),
          "web without web-1");
      clusterChange(
          "A pod terminates: web-3 is shutting down",
          () -> cluster.startTerminating("shop", "web-3"),
          () ->
              List.of(
                  "shop/web-3 terminating; " + slice(cluster, "web-3"),
                  "new calls should go elsewhere, so DNS drops it"),
          s -> s.size() == 3 && !has(s, "web-3"),
          "web without web-3");
      outage(cluster, dns, scheduler);
      recovery(dns);
    }
  }

  /** A step where the cluster changes and the watch follows at its next refresh. */
  private void clusterChange(
      String title,
      Runnable change,
      Supplier<List<String>> told,
      Predicate<EndpointSet> seen,
      String what)
      throws InterruptedException {
    print.heading(title);
    change.run();
    print.cluster(told.get());
    show(change(seen, what, "at its next refresh (TTL " + Durations.format(TTL) + ")"));
    pause();
  }

  private void outage(FakeCluster cluster, FakeDnsServer dns, RecordingScheduler scheduler)
      throws InterruptedException {
    print.heading("The DNS server goes down");
    long down = System.nanoTime();
    outage.set(true);
    dns.stop();
    print.dnsStopped(dns);
    ResolutionError error =
        signal.await(
            () -> Optional.ofNullable(outageError.get()),
            WAIT,
            "a failure reported by the watch",
            this::state);
    failures++;
    print.failed(error, since(down));
    List<Duration> retries =
        signal.await(
            () -> {
              int from = retriesFrom.get();
              List<Duration> d = from < 0 ? List.of() : scheduler.delaysFrom(from);
              return d.size() >= RETRIES_SHOWN ? Optional.of(d) : Optional.empty();
            },
            WAIT,
            RETRIES_SHOWN + " retries",
            () -> "retry timers scheduled: " + scheduler.count());
    print.retries(retries.subList(0, RETRIES_SHOWN), BACKOFF);
    EndpointSet kept = web.current().orElseThrow();
    print.kept(kept, web.staleness());
    cluster.setReady("shop", "web-1", true);
    cluster.deletePod("shop", "web-3");
    print.cluster(
        List.of("meanwhile web-1 is ready again and web-3 is gone; the client cannot tell"));
    show(kept);
    pause();
  }

  private void recovery(FakeDnsServer dns) throws InterruptedException {
    print.heading("The DNS server is back");
    dns.restart();
    print.dnsRestarted(dns);
    EndpointSet back =
        change(
            s -> has(s, "web-1") && web.lastError().isEmpty(),
            "web with web-1 again and no error",
            "at its next retry");
    print.errorCleared(web.staleness());
    show(back);
    pause();
  }

  // ---- steps 8 and 9: the same cluster through the Kubernetes API ----

  /** The target the API act watches web by (the API server is the provider's). */
  static final String API_WEB = "k8s+api:///web.shop:grpc";

  /** The NodePort Service from outside the cluster: node addresses and the node port. */
  static final String API_FRONT_NODE_PORT = "k8s+api:///front.shop:http?access=nodePort";

  private void apiAct(
      FakeCluster cluster, FakeDnsServer dns, FakeApiServer api, RecordingScheduler scheduler)
      throws InterruptedException {
    print.heading("The same scale-up through the Kubernetes API and through DNS");
    try (Discovery both =
        discovery(
            scheduler,
            ResolverRegistry.of(
                dnsSource,
                ApiResolverProvider.builder()
                    .server(api.url())
                    .caPem(api.caCertificatePem())
                    .token(api.token())
                    .build()))) {
      print.apiServer(api);
      Arrivals viaApi = new Arrivals();
      Arrivals viaDns = new Arrivals();
      String dnsTarget = dns.target("web.shop:grpc");
      // The API watch first: the DNS watch then asks last, just before the scale-up, and its next
      // refresh comes a TTL later, as for a client that has just asked.
      try (ServiceWatch a = both.watch(API_WEB)) {
        a.subscribe(viaApi);
        EndpointSet apiFirst = viaApi.await(s -> true, "the API watch's first list of web");
        try (ServiceWatch d = both.watch(dnsTarget)) {
          d.subscribe(viaDns);
          EndpointSet dnsFirst = viaDns.await(s -> true, "the DNS watch's first list of web");
          print.watchedBoth(API_WEB, apiFirst, dnsTarget, dnsFirst);
          int grown = dnsFirst.size() + 2;
          long scaled = System.nanoTime();
          cluster.scale("shop", "web", grown);
          print.cluster(
              List.of(
                  "scaled shop/web to "
                      + grown
                      + " pods; the EndpointSlice controller lists the new ones at once"));
          Arrival api1 = viaApi.awaitArrival(s -> s.size() == grown, "the API watch's scale-up");
          Arrival dns1 = viaDns.awaitArrival(s -> s.size() == grown, "the DNS watch's scale-up");
          Duration apiTook = Duration.ofNanos(api1.nanos() - scaled);
          Duration dnsTook = Duration.ofNanos(dns1.nanos() - scaled);
          print.changed(
              "api", apiFirst, api1.set(), apiTook, "pushed by its watch of web's EndpointSlices");
          print.changed(
              "dns",
              dnsFirst,
              dns1.set(),
              dnsTook,
              "at its next refresh (TTL " + Durations.format(TTL) + ")");
          print.delays(apiTook, dnsTook);
        }
      }
      pause();
      nodePort(cluster, both);
    }
  }

  private void nodePort(FakeCluster cluster, Discovery both) throws InterruptedException {
    print.heading("A NodePort Service from outside the cluster, through the API");
    Service front = cluster.service("shop", "front").orElseThrow();
    print.nodes(cluster.nodes(), front);
    EndpointSet pods;
    EndpointSet nodes;
    String podsTarget = "k8s+api:///front.shop:http";
    try (ServiceWatch w = both.watch(podsTarget)) {
      pods = firstOf(w);
    }
    try (ServiceWatch w = both.watch(API_FRONT_NODE_PORT)) {
      nodes = firstOf(w);
    }
    print.accessModes(podsTarget, pods, API_FRONT_NODE_PORT, nodes);
    pause();
  }

  /** A snapshot and when it reached the listener. */
  private record Arrival(EndpointSet set, long nanos) {}

  /** What one watch delivered, with when; wakes the demo on each delivery. */
  private final class Arrivals implements dev.discovery.api.WatchListener {
    private final List<Arrival> seen = new CopyOnWriteArrayList<>();
    private volatile ResolutionError error;

    @Override
    public void onEvent(WatchEvent event) {
      if (event instanceof WatchEvent.Changed c) {
        seen.add(new Arrival(c.current(), System.nanoTime()));
      } else if (event instanceof WatchEvent.Failed f) {
        error = f.error();
      }
      signal.fire();
    }

    EndpointSet await(Predicate<EndpointSet> condition, String what) throws InterruptedException {
      return awaitArrival(condition, what).set();
    }

    Arrival awaitArrival(Predicate<EndpointSet> condition, String what)
        throws InterruptedException {
      return signal.await(
          () -> seen.stream().filter(a -> condition.test(a.set())).findFirst(),
          WAIT,
          what,
          () ->
              "seen: "
                  + (seen.isEmpty() ? "nothing" : seen.get(seen.size() - 1).set().summary())
                  + ", last error: "
                  + (error == null ? "none" : error.kind() + ": " + error.message()));
    }
  }

  /**
   * Waits for the watch to deliver a snapshot newer than the one shown that matches {@code
   * condition}, then has the printer say how long it took ({@code why} it took that long) and what
   * changed.
   */
  private EndpointSet change(Predicate<EndpointSet> condition, String what, String why)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long before = shown.revision();
    EndpointSet now = await(s -> s.revision() > before && condition.test(s), what);
    changes++;
    print.changed(shown, now, since(t0), why);
    return now;
  }

  /**
   * Waits for a snapshot matching {@code condition} to reach the demo's listener. Not {@code
   * web.current()}: the watch shows a new snapshot only after its listeners have it. The demo's
   * listener comes after the balancers', so when it has a snapshot, so have they. (A balancer made
   * at that moment would start from {@code current()}, the snapshot before.)
   */
  private EndpointSet await(Predicate<EndpointSet> condition, String what)
      throws InterruptedException {
    return signal.await(
        () -> Optional.ofNullable(delivered.get()).filter(condition), WAIT, what, this::state);
  }

  private String state() {
    return "watch: "
        + web.current().map(EndpointSet::summary).orElse("no list yet")
        + ", last error: "
        + web.lastError().map(Object::toString).orElse("none");
  }

  /**
   * Picks through a random balancer (seeded) and the sticky one, and shows {@code set} with both
   * distributions and, for sticky, the keys moved since the list shown before. It becomes the list
   * shown.
   */
  private void show(EndpointSet set) {
    randomSource.setSeed(settings.seed()); // the same draws for every chart: a chart repeats
    PickStats.Distribution unkeyed = PickStats.run(random, set, settings.calls(), List.of());
    PickStats.Distribution keyed = PickStats.run(sticky, set, settings.calls(), keys);
    Optional<PickStats.Moves> moved =
        owners == null
            ? Optional.empty()
            : Optional.of(
                PickStats.moves(
                    owners, keyed.owners(), PickStats.eligible(shown), PickStats.eligible(set)));
    print.live(set, unkeyed, keyed, moved);
    owners = keyed.owners();
    shown = set;
  }

  private static boolean has(EndpointSet set, String hostname) {
    return set.endpoints().stream().anyMatch(e -> hostname.equals(e.hostname()));
  }

  /** The pod's entry in web's EndpointSlices, as the printer says it. */
  private static String slice(FakeCluster cluster, String pod) {
    return DemoPrinter.sliceEntry(
        cluster.endpointSlices("shop", "web").stream()
            .flatMap(s -> s.endpoints().stream())
            .filter(e -> e.podName().equals(pod))
            .findFirst());
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  /** The pause a live audience asked for (--step-delay); none by default. */
  private void pause() throws InterruptedException {
    print.flush();
    if (!settings.stepDelay().isZero()) {
      Thread.sleep(settings.stepDelay().toMillis());
    }
  }

  /** Shuts the scheduler down with the try block (Discovery does not shut down one passed in). */
  private static final class Closer implements AutoCloseable {
    final RecordingScheduler scheduler;

    Closer(RecordingScheduler scheduler) {
      this.scheduler = scheduler;
    }

    @Override
    public void close() {
      scheduler.shutdownNow();
    }
  }
}
