package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
import java.util.stream.Collectors;

/**
 * The story {@code discovery demo} plays: a FakeCluster and a FakeDnsServer in this process, the
 * SDK watching {@code web} through real DNS on loopback, and a series of changes (scale up, a pod
 * unready, a pod terminating, the DNS server down and back). Each step waits for the watch to see
 * the change (bounded), then prints the live endpoint list and the random and sticky pick
 * distributions through the SDK's balancers.
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

  private final PrintWriter out;
  private final Settings settings;
  private final Signal signal = new Signal();
  private final AtomicReference<EndpointSet> delivered = new AtomicReference<>();
  private final List<String> keys;
  private int step;
  private int changes;
  private int failures;

  Demo(PrintWriter out, Settings settings) {
    this.out = out;
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
      out.println(
          "discovery demo: a Kubernetes cluster in this process (the testkit's FakeCluster), a real"
              + " DNS server on loopback serving it");
      out.println(
          "(FakeDnsServer "
              + dns.address().getAddress().getHostAddress()
              + ":"
              + dns.port()
              + ", UDP and TCP, TTL "
              + Durations.format(TTL)
              + "), and the SDK resolving it as a pod would. No Kubernetes needed.");
      out.println(
          String.format(
              Locale.ROOT,
              "Charts: %,d calls each; random seeded with %d; sticky over %,d keys.",
              settings.calls(),
              settings.seed(),
              settings.keys()));
      overview(cluster, dns, discovery);
      story(cluster, dns, discovery, scheduler.scheduler);
    }
    out.println();
    out.println(
        "== done in "
            + Durations.format(Duration.ofNanos(System.nanoTime() - started))
            + ": the watch saw "
            + changes
            + " changes and "
            + failures
            + " outage, and never lost its endpoint list ==");
    out.println(
        "Next: discovery resolve|watch|pick <service>.<namespace>:<port> against a cluster's DNS"
            + " (--dns-server IP:PORT); discovery --help.");
    out.flush();
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
    heading("The cluster: namespace shop, four Services, resolved once through the SDK");
    Table t = Table.of("SERVICE", "TYPE", "PODS", "TARGET", "SDK SEES", "ENDPOINTS");
    for (Shape shape : SHAPES) {
      Service s = cluster.service("shop", shape.service()).orElseThrow();
      EndpointSet set;
      try (ServiceWatch w = discovery.watch(dns.target(shape.target()))) {
        set = firstOf(w);
      }
      long pods = cluster.pods("shop").stream().filter(p -> matches(s, p)).count();
      t.row(
          shape.service(),
          s.type().kubernetesName() + (s.headless() ? " (headless)" : ""),
          pods == 0 ? "-" : pods,
          shape.target(),
          set.kind(),
          set.endpoints().stream().map(Endpoint::hostPort).collect(Collectors.joining(" "))
              + (set.aliases().isEmpty() ? "" : "  via " + String.join(" -> ", set.aliases())));
    }
    t.lines("  ").forEach(out::println);
    out.println();
    prose(
        "web is headless: DNS lists a record per ready pod, so the client spreads the calls.",
        "api and front are one virtual IP each: kube-proxy spreads connections, the client cannot",
        "(the SDK logs a warning when it watches one). DNS cannot tell a NodePort Service from a",
        "ClusterIP one; node ports serve clients outside the cluster. db is an ExternalName: the",
        "SDK follows its CNAME to the outside name's addresses.");
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
  private Balancer sticky;
  private EndpointSet shown;
  private Map<String, InetSocketAddress> owners;
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicReference<ResolutionError> outageError = new AtomicReference<>();
  private final AtomicInteger retriesFrom = new AtomicInteger(-1);

  private void story(
      FakeCluster cluster, FakeDnsServer dns, Discovery discovery, RecordingScheduler scheduler)
      throws InterruptedException {
    heading("Watch web through the SDK");
    String target = dns.target("web.shop:grpc");
    long started = System.nanoTime();
    out.println("watch:   discovery.watch(\"" + target + "\")");
    try (ServiceWatch w = discovery.watch(target)) {
      web = w;
      // The sticky balancer subscribes before the demo does, so it has every change first.
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
      out.println(
          "watch:   revision "
              + first.revision()
              + " "
              + since(started)
              + " later: "
              + WatchPrinter.describe(first));
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
    heading(title);
    change.run();
    List<String> lines = told.get();
    for (int i = 0; i < lines.size(); i++) {
      out.println((i == 0 ? "cluster: " : "         ") + lines.get(i));
    }
    show(change(seen, what, "at its next refresh (TTL " + Durations.format(TTL) + ")"));
    pause();
  }

  private void outage(FakeCluster cluster, FakeDnsServer dns, RecordingScheduler scheduler)
      throws InterruptedException {
    heading("The DNS server goes down");
    long down = System.nanoTime();
    outage.set(true);
    dns.stop();
    out.println("dns:     stopped; nothing answers on " + hostPort(dns) + " any more");
    ResolutionError error =
        signal.await(
            () -> Optional.ofNullable(outageError.get()),
            WAIT,
            "a failure reported by the watch",
            this::state);
    failures++;
    out.println("watch:   failed " + since(down) + " later, at its next refresh:");
    out.println("         " + error.kind() + ": " + error.message());
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
    out.println(
        "retries: the resolver waited "
            + retries.subList(0, RETRIES_SHOWN).stream()
                .map(Durations::format)
                .collect(Collectors.joining(", "))
            + " after failures 1 to "
            + RETRIES_SHOWN
            + " (backoff: "
            + Durations.format(BACKOFF.initial())
            + " doubling, +/-"
            + Math.round(BACKOFF.randomization() * 100)
            + " %, at most "
            + Durations.format(BACKOFF.max())
            + ")");
    EndpointSet kept = web.current().orElseThrow();
    out.println(
        "watch:   keeps the last good list (revision "
            + kept.revision()
            + "), stale for "
            + Durations.format(web.staleness())
            + " and counting; the balancers keep picking from it");
    cluster.setReady("shop", "web-1", true);
    cluster.deletePod("shop", "web-3");
    out.println(
        "cluster: meanwhile web-1 is ready again and web-3 is gone; the client cannot tell");
    show(kept);
    pause();
  }

  private void recovery(FakeDnsServer dns) throws InterruptedException {
    heading("The DNS server is back");
    dns.restart();
    out.println("dns:     answering again on " + hostPort(dns));
    EndpointSet back =
        change(
            s -> has(s, "web-1") && web.lastError().isEmpty(),
            "web with web-1 again and no error",
            "at its next retry");
    out.println(
        "watch:   error cleared; staleness "
            + Durations.format(web.staleness())
            + "; what changed during the outage arrives in one update");
    show(back);
    pause();
  }

  private static String hostPort(FakeDnsServer dns) {
    return dns.address().getAddress().getHostAddress() + ":" + dns.port();
  }

  /**
   * Waits for the watch to deliver a snapshot newer than the one shown that matches {@code
   * condition}, then prints how long it took ({@code why} it took that long) and the diff.
   */
  private EndpointSet change(Predicate<EndpointSet> condition, String what, String why)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long before = shown.revision();
    EndpointSet now = await(s -> s.revision() > before && condition.test(s), what);
    changes++;
    EndpointDiff diff = EndpointDiff.between(shown, now);
    out.println(
        "watch:   revision "
            + now.revision()
            + " "
            + since(t0)
            + " later, "
            + why
            + ": "
            + diff.summary());
    diff.lines().forEach(l -> out.println("           " + l));
    return now;
  }

  /**
   * Waits for a snapshot matching {@code condition} to reach the demo's listener. Not {@code
   * web.current()}: the watch shows a new snapshot a moment before its listeners hear of it, and
   * the demo's listener comes after the sticky balancer's, so when it has a snapshot, so has the
   * balancer.
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
   * Prints {@code set} as the live list and both charts; for sticky, the keys moved since the list
   * shown before. It becomes the list shown.
   */
  private void show(EndpointSet set) {
    out.println("live list: " + EndpointText.counts(set));
    set.endpoints().forEach(e -> out.println("  " + EndpointText.line(e)));
    PickStats.Distribution random;
    try (Balancer b = web.balancer(Policies.random(new Random(settings.seed())))) {
      random = PickStats.run(b, set, settings.calls(), List.of());
    }
    out.println(String.format(Locale.ROOT, "random, %,d calls:", settings.calls()));
    PickStats.chart(set, random, settings.width(), settings.glyph(), "  ").forEach(out::println);
    PickStats.Distribution keyed = PickStats.run(sticky, set, settings.calls(), keys);
    out.println(
        String.format(
            Locale.ROOT, "sticky, %,d calls over %,d keys:", settings.calls(), settings.keys()));
    PickStats.chart(set, keyed, settings.width(), settings.glyph(), "  ").forEach(out::println);
    if (owners != null) {
      out.println(
          "  "
              + PickStats.moves(
                      owners, keyed.owners(), PickStats.eligible(shown), PickStats.eligible(set))
                  .describe());
    }
    owners = keyed.owners();
    shown = set;
  }

  private static boolean has(EndpointSet set, String hostname) {
    return set.endpoints().stream().anyMatch(e -> hostname.equals(e.hostname()));
  }

  /** The pod's entry in web's EndpointSlices: {@code EndpointSlice: ready=false serving=false}. */
  private static String slice(FakeCluster cluster, String pod) {
    for (EndpointSlice s : cluster.endpointSlices("shop", "web")) {
      for (EndpointSlice.Endpoint e : s.endpoints()) {
        if (e.podName().equals(pod)) {
          return "its EndpointSlice entry: ready="
              + e.ready()
              + " serving="
              + e.serving()
              + " terminating="
              + e.terminating();
        }
      }
    }
    return "no EndpointSlice entry";
  }

  private void prose(String... lines) {
    for (String l : lines) {
      out.println("  " + l);
    }
  }

  private void heading(String title) {
    step++;
    String h = "== " + step + "/" + STEPS + "  " + title + " ";
    out.println();
    out.println(h + "=".repeat(Math.max(3, 100 - h.length())));
  }

  private static String since(long nanos) {
    return Durations.format(Duration.ofNanos(System.nanoTime() - nanos));
  }

  /** The pause a live audience asked for (--step-delay); none by default. */
  private void pause() throws InterruptedException {
    out.flush();
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
