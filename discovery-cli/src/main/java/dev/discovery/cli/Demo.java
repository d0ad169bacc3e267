package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
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
 * the watch to see it (bounded), then picks through the SDK's random and sticky balancers. What is
 * printed, and how, is {@link DemoPrinter}'s.
 */
final class Demo {
  /** The story's steps, for headings ({@code 3/7}). */
  static final int STEPS = 7;

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

  Demo(PrintWriter out, Settings settings) {
    this.print = new DemoPrinter(out, settings);
    this.settings = settings;
    this.keys = PickStats.keys(settings.keys());
  }

  /** Plays the story; returns normally when every step happened. */
  void run() throws InterruptedException {
    long started = System.nanoTime();
    FakeCluster cluster = FakeCluster.create();
    shop(cluster);
    try (FakeDnsServer dns = FakeDnsServer.builder(cluster).ttl(TTL).start();
        Closer scheduler = new Closer(new RecordingScheduler(signal));
        Discovery discovery =
            Discovery.builder()
                .scheduler(scheduler.scheduler)
                .environment(Environment.of(Map.of(), Map.of()))
                .registry(
                    ResolverRegistry.of(
                        DnsResolverProvider.builder()
                            .queryTimeout(Duration.ofMillis(500))
                            .minRefresh(MIN_REFRESH)
                            .backoff(BACKOFF)
                            .random(new Random(settings.seed()))
                            .build()))
                .build()) {
      dns.externalHost("db.example.com", "127.0.9.9");
      print.intro(dns, TTL);
      overview(cluster, dns, discovery);
      story(cluster, dns, discovery, scheduler.scheduler);
    }
    print.done(since(started), changes, failures);
  }

  /**
   * Namespace shop: a headless web of 3 pods, a ClusterIP api, a NodePort front, an ExternalName
   * db.
   */
  static void shop(FakeCluster cluster) {
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
