package dev.discovery.bench.api;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.EndpointSet;
import dev.discovery.bench.Machine;
import dev.discovery.bench.resolve.ThreadAllocation;
import dev.discovery.bench.update.RetainedSize;
import dev.discovery.testkit.ApiRequest;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Measures the Kubernetes API source beside its peers, in one JVM, on loopback, and writes {@code
 * api.json}: raw samples, never verdicts (the summary computes medians, percentiles and ratios).
 *
 * <p>The delay and large-Service phases run without bookmarks ({@link Rig#NO_BOOKMARKS}:
 * client-java 24 rejects EndpointSlice bookmarks); our source's Service watch, which then hears
 * nothing, is resumed at its idle bound (90 s), a request that changes no endpoints. The request
 * phase has bookmarks once a minute, as a real server sends them.
 *
 * <ol>
 *   <li><b>delay</b>: a headless Service of 10 pods scaled to 11 and back, {@code changes} times
 *       after {@code warmup} changes not counted; each change waits until every peer delivered it,
 *       then a random pause of up to 1 s (seeded), so changes fall at random points of the DNS
 *       source's 1 s refresh cycle. A peer's delay is from just before the cluster call to its
 *       listener seeing the new count of ready endpoints.
 *   <li><b>large</b>: a Service of {@code largePods} pods (100 per EndpointSlice): time from a
 *       fresh start to the first complete state, per peer (interleaved); the heap each peer keeps
 *       (used heap after full collections, before and after it starts, the servers' state included
 *       on both sides); JOL's size of our snapshot; then one pod's readiness toggled {@code
 *       sliceUpdates} times (one slice changes) with our source behind a sticky balancer and the
 *       informer both watching: delay to each, and the bytes our source's threads allocated.
 *   <li><b>requests</b>: {@code rateServices} Services, each watched by its own Discovery, for
 *       {@code rateDuration}; the server's request log per Service (every list and watch, the
 *       {@code timeoutSeconds} each watch asked for, and how long each watch lasted until the
 *       next).
 * </ol>
 */
public final class ApiBench {
  static final String NAMESPACE = "shop";
  static final String SERVICE = "web";
  static final String LARGE = "big";
  static final int PODS = 10;
  static final Duration BOUND = Duration.ofSeconds(60);

  /** What to run; {@link #full()} is the run we keep. */
  public record Settings(
      int changes,
      int warmup,
      int largePods,
      int largeRepetitions,
      int sliceUpdates,
      int rateServices,
      Duration rateDuration,
      Duration maxPause) {

    /**
     * 200 changes, 10,000 endpoints, 20 Services watched for 7 minutes (the first watches that
     * asked for up to about 400 s end within the run; every watch's asked timeout is logged),
     * pauses of up to 1 s between changes.
     */
    public static Settings full() {
      return new Settings(200, 20, 10_000, 5, 50, 20, Duration.ofMinutes(7), Duration.ofSeconds(1));
    }

    /** Seconds: proves the harness runs, not a measurement (no pauses, no watch renewal). */
    public static Settings smoke() {
      return new Settings(4, 1, 300, 1, 2, 2, Duration.ZERO, Duration.ZERO);
    }
  }

  private final Settings settings;
  private final List<Peer.Factory> peers;
  private final Random random = new Random(7);

  /**
   * @param peers besides ours, e.g. client-java's informer (test scope, so its factory comes from
   *     the bench's test sources)
   */
  ApiBench(Settings settings, List<Peer.Factory> peers) {
    this.settings = settings;
    this.peers = List.copyOf(peers);
  }

  /** Runs everything and writes {@code api.json} into {@code results}. */
  public static Path write(Settings settings, List<Peer.Factory> peers, Path results)
      throws Exception {
    Map<String, Object> out = new ApiBench(settings, peers).run();
    Files.createDirectories(results);
    Path file = results.resolve("api.json");
    Files.writeString(file, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(out));
    return file;
  }

  Map<String, Object> run() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("loadBefore", Machine.load());
    out.put("delay", delay());
    out.put("large", large());
    out.put("requests", requests());
    out.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("loadAfter", Machine.load());
    out.putAll(Machine.facts());
    return out;
  }

  // ---- delay ----

  private Map<String, Object> delay() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    Rig.headless(cluster, NAMESPACE, SERVICE, PODS);
    List<Peer.Factory> all = new ArrayList<>();
    all.add(SourcePeer.api(false));
    all.addAll(peers);
    all.add(SourcePeer.dns());
    try (Rig rig = Rig.start(cluster, Rig.NO_BOOKMARKS);
        Started started = Started.all(rig, all, SERVICE, PODS)) {
      Map<String, List<Long>> delays =
          drive(
              started,
              settings.changes(),
              i -> {
                int ready = i % 2 == 0 ? PODS + 1 : PODS;
                return new Change(c -> c.scale(NAMESPACE, SERVICE, ready), ready);
              },
              settings.maxPause(),
              null);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", "headless, " + PODS + " pods, scaled to " + (PODS + 1) + " and back");
      m.put("changes", settings.changes());
      m.put("warmup", settings.warmup());
      m.put("dnsTtlSeconds", Rig.DNS_TTL.toSeconds());
      m.put("delayNanos", delays);
      return m;
    }
  }

  /** One change to the cluster and the ready endpoints every peer then delivers. */
  record Change(Consumer<FakeCluster> apply, int ready) {}

  /**
   * Makes {@code warmup + count} changes; returns, per peer, the delays of the last {@code count}.
   * When {@code allocation} is given, adds its bytes per change under {@code "allocatedBytes"}.
   */
  private Map<String, List<Long>> drive(
      Started started,
      int count,
      java.util.function.IntFunction<Change> changes,
      Duration maxPause,
      ThreadAllocation allocation)
      throws InterruptedException {
    Map<String, List<Long>> delays = new LinkedHashMap<>();
    for (Tracker t : started.trackers) {
      delays.put(t.peer(), new ArrayList<>());
    }
    List<Long> allocated = new ArrayList<>();
    int total = settings.warmup() + count;
    for (int i = 0; i < total; i++) {
      if (!maxPause.isZero()) {
        Thread.sleep(random.nextInt((int) maxPause.toMillis() + 1)); // a random phase, not a sync
      }
      Change change = changes.apply(i);
      for (Tracker t : started.trackers) {
        t.expect(change.ready());
      }
      if (allocation != null) {
        allocation.begin();
      }
      long before = System.nanoTime();
      change.apply().accept(started.rig.cluster());
      for (Tracker t : started.trackers) {
        long at = t.await(BOUND);
        if (i >= settings.warmup()) {
          delays.get(t.peer()).add(at - before);
        }
      }
      if (allocation != null && i >= settings.warmup()) {
        allocated.add(allocation.end());
      }
    }
    if (allocation != null) {
      delays.put("allocatedBytes", allocated);
    }
    return delays;
  }

  /** Peers started on one Service, each with its tracker, all holding the first state. */
  private static final class Started implements AutoCloseable {
    final Rig rig;
    final List<Peer> peers = new ArrayList<>();
    final List<Tracker> trackers = new ArrayList<>();

    private Started(Rig rig) {
      this.rig = rig;
    }

    static Started all(Rig rig, List<Peer.Factory> factories, String service, int ready)
        throws Exception {
      Started s = new Started(rig);
      try {
        for (Peer.Factory f : factories) {
          s.add(f, service, ready);
        }
        return s;
      } catch (Exception | Error e) {
        s.close();
        throw e;
      }
    }

    /** Starts one peer and waits for its first complete state; returns how long that took. */
    long add(Peer.Factory factory, String service, int ready) throws Exception {
      Peer p = factory.create();
      peers.add(p);
      Tracker t = new Tracker(factory.name());
      t.expect(ready);
      long before = System.nanoTime();
      p.start(rig, NAMESPACE, service, t);
      long took = t.await(BOUND) - before;
      trackers.add(t);
      return took;
    }

    @Override
    public void close() {
      for (Peer p : peers) {
        p.close();
      }
    }
  }

  // ---- a large Service ----

  private Map<String, Object> large() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    int pods = settings.largePods();
    Rig.headless(cluster, NAMESPACE, LARGE, pods);
    List<Peer.Factory> all = new ArrayList<>();
    all.add(SourcePeer.api(true));
    all.addAll(peers);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pods", pods);
    try (Rig rig = Rig.start(cluster, Rig.NO_BOOKMARKS)) {
      m.put("slices", cluster.endpointSlices(NAMESPACE, LARGE).size());
      Map<String, List<Long>> first = new LinkedHashMap<>();
      for (int rep = 0; rep <= settings.largeRepetitions(); rep++) {
        for (Peer.Factory f : all) {
          try (Started one = new Started(rig)) {
            long took = one.add(f, LARGE, pods);
            if (rep > 0) { // the first round warms up every peer
              first.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(took);
            }
          }
        }
      }
      m.put("firstSnapshotNanos", first);
      try (Started both = new Started(rig)) {
        Map<String, Long> heap = new LinkedHashMap<>();
        for (Peer.Factory f : all) {
          long before = usedHeap();
          both.add(f, LARGE, pods);
          heap.put(f.name(), usedHeap() - before);
        }
        m.put("retainedHeapBytes", heap);
        if (both.peers.get(0) instanceof SourcePeer ours) {
          EndpointSet snapshot = ours.watch().orElseThrow().current().orElseThrow();
          m.put("snapshotBytes", RetainedSize.graphBytes(snapshot));
        }
        String pod =
            cluster.pods().stream()
                .filter(p -> p.name().startsWith(LARGE + "-"))
                .map(Pod::name)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        m.put(
            "sliceUpdate",
            drive(
                both,
                settings.sliceUpdates(),
                i -> {
                  boolean ready = i % 2 != 0;
                  return new Change(
                      c -> c.setReady(NAMESPACE, pod, ready), ready ? pods : pods - 1);
                },
                settings.maxPause(),
                new ThreadAllocation("discovery-", "HttpClient-")));
      }
    }
    return m;
  }

  /** Used heap after full collections (until it stops shrinking, at most 5). */
  static long usedHeap() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return Math.min(now, used);
      }
      used = now;
    }
    return used;
  }

  // ---- API requests per watched Service ----

  private Map<String, Object> requests() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    List<String> services = new ArrayList<>();
    for (int i = 0; i < settings.rateServices(); i++) {
      services.add("svc" + i);
      Rig.headless(cluster, NAMESPACE, "svc" + i, 2);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    try (Rig rig = Rig.start(cluster);
        Started started = new Started(rig)) {
      Instant from = Instant.now();
      for (String s : services) {
        started.add(SourcePeer.api(false), s, 2);
      }
      Thread.sleep(settings.rateDuration().toMillis()); // the run's length: what is measured
      Instant to = Instant.now();
      List<Map<String, Object>> requests = new ArrayList<>();
      for (ApiRequest r : rig.api().requests().all()) {
        String service = serviceOf(r, services);
        if (service == null) {
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("service", service);
        row.put("resource", r.resource());
        row.put("verb", r.verb());
        row.put("atMillis", Duration.between(from, r.time()).toMillis());
        row.put("timeoutSeconds", r.query().getOrDefault("timeoutSeconds", ""));
        row.put("initialEvents", "true".equals(r.query().get("sendInitialEvents")));
        row.put("status", r.status());
        requests.add(row);
      }
      m.put("services", services.size());
      m.put("runMillis", Duration.between(from, to).toMillis());
      m.put("requests", requests);
    }
    return m;
  }

  /** The watched Service a request is for (by selector or name), or null. */
  private static String serviceOf(ApiRequest r, List<String> services) {
    Map<String, String> q = new TreeMap<>(r.query());
    for (String s : services) {
      String label = q.getOrDefault("labelSelector", "");
      String field = q.getOrDefault("fieldSelector", "");
      if (label.endsWith("service-name=" + s)
          || field.endsWith("metadata.name=" + s)
          || s.equals(r.name())) {
        return s;
      }
    }
    return null;
  }

  /** {@code ApiBench [results-dir] [smoke]}: our sources only (no client-java on this path). */
  public static void main(String[] args) throws Exception {
    run(args, List.of());
  }

  /** The entry point shared with the test-scope one that adds client-java's informer. */
  public static void run(String[] args, List<Peer.Factory> peers) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "results");
    Settings s = args.length > 1 && args[1].equals("smoke") ? Settings.smoke() : Settings.full();
    Path file = write(s, peers, results);
    System.out.println("api bench: wrote " + file);
  }
}
