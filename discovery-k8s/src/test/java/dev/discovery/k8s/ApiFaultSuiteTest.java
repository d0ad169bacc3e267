package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.ApiRequest;
import dev.discovery.testkit.ExpiredStyle;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.clock.FakeScheduler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each fault of the fake API server at volume, through a real Discovery watch of {@code
 * k8s+api:///web.shop:http} over verified TLS on loopback. What is asserted for every fault: after
 * each injection the watch comes back to exactly the cluster's endpoints (nothing lost), no
 * snapshot ever held an endpoint of a pod that never existed (no phantom), and the request log
 * shows resumed watches, not lists, except where the fault asks for a list (410). The figures
 * (injections, recoveries, the longest recovery on real time, lists and watches) are printed as a
 * Markdown table; times are reported, never asserted.
 */
class ApiFaultSuiteTest {
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();
  private static final Map<String, String> FIGURES = new ConcurrentHashMap<>();

  /**
   * A backoff of about a second, for faults whose error the test reads: with the fixture's fast one
   * the watch recovers within milliseconds, and a listener is told only the latest state.
   */
  private static final Backoff VISIBLE =
      new Backoff(Duration.ofSeconds(1), 1.0, 0.2, Duration.ofSeconds(1));

  private final ApiFixture f = new ApiFixture();
  private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
  private final Set<InetAddress> everyPod = ConcurrentHashMap.newKeySet();
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  @AfterAll
  static void print() {
    System.out.println(
        "| fault | injected | recoveries | longest recovery (real time) | lists | watches | lost |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    new TreeMap<>(FIGURES).values().forEach(System.out::println);
  }

  /** Service web (port http -> 8080) with {@code pods} pods. */
  private void web(int pods) {
    f.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    mutate(() -> f.cluster.scale(WEB, pods));
  }

  /** A change of the cluster, remembering every pod that ever existed. */
  private void mutate(Runnable change) {
    change.run();
    f.cluster.pods("shop").forEach(p -> everyPod.add(p.ip()));
  }

  /**
   * A random change that always changes the slices: a scale to another count in 1..6, or a pod made
   * ready or unready.
   */
  private void randomChange(Random random) {
    List<Pod> pods = f.cluster.pods("shop");
    if (random.nextBoolean() || pods.isEmpty()) {
      int n = 1 + random.nextInt(6);
      int to = n == pods.size() ? n % 6 + 1 : n;
      mutate(() -> f.cluster.scale(WEB, to));
    } else {
      Pod p = pods.get(random.nextInt(pods.size()));
      mutate(() -> f.cluster.setReady("shop", p.name(), !p.ready()));
    }
  }

  private ServiceWatch watch() {
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    w.subscribe(events::add);
    awaitAsCluster(w);
    return w;
  }

  /** Waits until the watch holds exactly the cluster's endpoints and no error. */
  private EndpointSet awaitAsCluster(ServiceWatch w) {
    EndpointSet set =
        f.awaitSet(w, s -> ApiFixture.plain(s).equals(f.podsAsEndpoints("web", 8080)));
    await().atMost(ApiFixture.WAIT).until(() -> w.lastError().isEmpty());
    return set;
  }

  /** No snapshot published held an endpoint whose address was never a pod's. */
  private void assertNoPhantom() {
    for (WatchEvent e : events) {
      if (e instanceof WatchEvent.Changed c) {
        for (Endpoint endpoint : c.current().endpoints()) {
          assertThat(everyPod).as("a published endpoint's pod").contains(endpoint.ip());
        }
      }
    }
  }

  private List<ResolutionError> errors() {
    List<ResolutionError> list = new ArrayList<>();
    for (WatchEvent e : events) {
      if (e instanceof WatchEvent.Failed failed) {
        list.add(failed.error());
      }
    }
    return list;
  }

  /** Waits until {@code n} watches of endpointslices have been answered with 200. */
  private void awaitSliceWatches(long n) {
    await()
        .atMost(ApiFixture.WAIT)
        .until(
            () ->
                f.api
                        .requests()
                        .matching(
                            r ->
                                r.verb().equals("watch")
                                    && "endpointslices".equals(r.resource())
                                    && r.status() == 200)
                        .size()
                    >= n);
  }

  private long resumedSliceWatches() {
    return f.api
        .requests()
        .matching(r -> r.resumed() && "endpointslices".equals(r.resource()) && r.status() == 200)
        .size();
  }

  private void record(String fault, String injected, int recoveries, long longestNanos) {
    FIGURES.put(
        fault,
        DnsFaultSuiteTest.row(
            fault,
            injected,
            recoveries,
            longestNanos / 1_000_000 + " ms",
            f.count("list", "endpointslices"),
            f.count("watch", "endpointslices"),
            "nothing"));
  }

  @Test
  void streamDroppedAtRandomPoints_100Times() {
    web(3);
    f.start();
    ServiceWatch w = watch();
    Random random = new Random(42);
    long longest = 0;
    for (int i = 0; i < 100; i++) {
      awaitSliceWatches(i + 1); // the stream to drop is open
      long start = System.nanoTime();
      switch (random.nextInt(3)) {
        case 0 -> {
          f.api.faults().dropWatches();
          randomChange(random);
        }
        case 1 -> {
          int after = random.nextInt(3);
          f.api.faults().dropWatchesAfter(after);
          for (int c = 0; c <= after; c++) {
            randomChange(random);
          }
        }
        default -> {
          randomChange(random);
          f.api.faults().dropWatches();
        }
      }
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
    }
    assertNoPhantom();
    assertThat(f.count("list", "endpointslices")).as("lists of slices").isEqualTo(1);
    assertThat(f.count("list", "services")).as("lists of services").isEqualTo(1);
    assertThat(resumedSliceWatches()).as("resumed slice watches").isGreaterThanOrEqualTo(100);
    record("stream dropped at a random point (seeded)", "100 drops", 100, longest);
  }

  @Test
  void expired410_inTheStreamAndAsStatus_20Times_listsOncePerExpiry() {
    web(2);
    f.start();
    ServiceWatch w = watch();
    Random random = new Random(410);
    long longest = 0;
    for (int i = 0; i < 20; i++) {
      awaitSliceWatches(i + 1);
      long start = System.nanoTime();
      if (i % 2 == 0) {
        f.api.faults().expiredAs(ExpiredStyle.IN_STREAM).expireOpenWatches();
        randomChange(random);
      } else {
        // The stream misses a change and the history that would replay it is gone.
        f.api.faults().expiredAs(ExpiredStyle.HTTP_STATUS).stallWatches();
        randomChange(random);
        f.api.faults().expireHistory().dropWatches().releaseWatches();
      }
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
      assertThat(f.count("list", "endpointslices"))
          .as("one list per 410, %d so far", i + 1)
          .isEqualTo(i + 2);
    }
    assertNoPhantom();
    record("410 Expired (10 in the stream, 10 as the status)", "20", 20, longest);
  }

  @Test
  void tooManyRequestsStorms_withRetryAfter_5Storms() {
    web(2);
    f.start();
    ServiceWatch w = watch();
    Random random = new Random(429);
    long longest = 0;
    for (int i = 0; i < 5; i++) {
      awaitSliceWatches(i + 1);
      long start = System.nanoTime();
      f.api.faults().tooManyRequests(4, Duration.ofSeconds(1)).dropWatches();
      randomChange(random);
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
    }
    List<ApiRequest> all = f.api.requests().all();
    int throttled = 0;
    for (int i = 0; i < all.size(); i++) {
      ApiRequest r = all.get(i);
      if (r.status() != 429) {
        continue;
      }
      throttled++;
      for (int j = i + 1; j < all.size(); j++) {
        ApiRequest next = all.get(j);
        if (r.resource() != null && r.resource().equals(next.resource())) {
          assertThat(Duration.between(r.time(), next.time()))
              .as("the request after a 429 with Retry-After: 1 on %s", r.resource())
              .isGreaterThanOrEqualTo(Duration.ofMillis(990));
          break;
        }
      }
    }
    assertThat(throttled).isEqualTo(20);
    assertThat(f.count("list", "endpointslices")).as("resumed after 429, not listed").isEqualTo(1);
    assertNoPhantom();
    record("429 storms with Retry-After: 1", "5 storms, 20 x 429", 5, longest);
  }

  /**
   * The default 90 s stall bound on the fake clock: nothing at 89 s, the stall reported at 90 s,
   * the watch replaced (resumed, not listed) and the change made meanwhile delivered, 5 times.
   */
  @Test
  void stalledStream_detectedAt90sOnTheFakeClock_5Times() {
    web(2);
    FakeScheduler scheduler = FakeScheduler.create();
    f.discovery =
        Discovery.builder()
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .environment(Environment.empty())
            .registry(
                ResolverRegistry.defaultRegistry()
                    .with(f.provider().idleTimeout(Duration.ofSeconds(90)).build()))
            .build();
    ServiceWatch w = watch();
    Random random = new Random(90);
    long longest = 0;
    for (int i = 0; i < 5; i++) {
      awaitSliceWatches(i + 1);
      f.api.faults().stallWatches();
      scheduler.advance(Duration.ofSeconds(89));
      assertThat(w.lastError()).as("nothing said at 89 s").isEmpty();
      scheduler.advance(Duration.ofSeconds(1));
      ResolutionError stalled = f.awaitError(w, e -> e.message().contains("stalled"));
      assertThat(stalled.message()).contains("stalled: nothing for 90 s, not even a bookmark");
      assertThat(stalled.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
      long start = System.nanoTime();
      randomChange(random);
      scheduler.advance(ApiFixture.FAST.longest()); // the backoff: a new watch, stalled too
      awaitSliceWatches(i + 2);
      f.api.faults().releaseWatches();
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
    }
    assertThat(f.count("list", "endpointslices")).as("resumed after stalls").isEqualTo(1);
    assertNoPhantom();
    record("stalled stream (90 s bound, fake clock)", "5 stalls", 5, longest);
  }

  @Test
  void malformedEventLines_20Times() {
    web(2);
    f.start(f.provider().backoff(VISIBLE).build());
    ServiceWatch w = watch();
    Random random = new Random(7);
    long longest = 0;
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      f.api.faults().malformedEvent();
      randomChange(random);
      ResolutionError e =
          f.awaitError(w, x -> x.message().contains("a watch event that is not a JSON object"));
      assertThat(e.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
    }
    assertThat(f.count("watch", "endpointslices")).as("one reconnect per bad line").isEqualTo(21);
    assertThat(f.count("list", "endpointslices")).as("resumed after a bad line").isEqualTo(1);
    assertNoPhantom();
    record("invalid JSON line in the stream", "20", 20, longest);
  }

  /**
   * A 100 MB event line: refused at the client's limit (16 MiB a line) with an error naming the
   * limit and the option, the last good list served until the change arrives, then the watch
   * resumed, not listed again (the 100 MB list is in SecurityTest).
   */
  @Test
  void hundredMegabyteEventLine_isRefusedAtTheLimit_andTheWatchResumes() {
    web(2);
    f.start(f.provider().backoff(VISIBLE).build());
    ServiceWatch w = watch();
    EndpointSet good = w.current().orElseThrow();
    awaitSliceWatches(1);
    int before = events.size();
    long start = System.nanoTime();
    f.api.faults().oversizedEvent(100_000_000);
    mutate(() -> f.cluster.scale(WEB, 3));
    await()
        .atMost(ApiFixture.WAIT)
        .until(() -> !errors().isEmpty() || w.current().filter(s -> s.size() == 3).isPresent());
    assertThat(errors()).as("errors told before the change arrived").hasSize(1);
    ResolutionError line = errors().get(0);
    assertThat(line.kind()).as(line.message()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(line.message())
        .startsWith(
            "the Kubernetes API at "
                + f.api.url()
                + " sent a watch event longer than 16777216 bytes on watch endpointslices")
        .endsWith(
            " (expected: at most 16777216; raise ApiResolverProvider.Builder.maxEventBytes for a"
                + " Service this large)");
    awaitAsCluster(w);
    long recovery = System.nanoTime() - start;

    List<WatchEvent> after = events.subList(before, events.size());
    assertThat(after.get(0))
        .as("the first event after the line")
        .isInstanceOfSatisfying(
            WatchEvent.Failed.class, e -> assertThat(e.lastGood()).isSameAs(good));
    Set<Endpoint> lastGood = ApiFixture.plain(good);
    Set<Endpoint> changed = f.podsAsEndpoints("web", 8080);
    assertThat(after.subList(1, after.size()))
        .as("after the error: the last good list (recovered), then the cluster's new state")
        .allSatisfy(
            e -> {
              EndpointSet current =
                  e instanceof WatchEvent.Changed c
                      ? c.current()
                      : ((WatchEvent.Recovered) e).current();
              assertThat(ApiFixture.plain(current)).isIn(lastGood, changed);
            });
    assertThat(f.count("list", "endpointslices")).as("resumed, not listed").isEqualTo(1);
    assertThat(resumedSliceWatches()).as("resumed slice watches").isGreaterThanOrEqualTo(1);
    assertNoPhantom();
    record("100 MB event line", "1", 1, recovery);
  }

  /** The token rotated 10 times with no grace: 401, the token file read again, resumed. */
  @Test
  void tokenRotation_10Times() throws Exception {
    web(2);
    Path tokenFile = Files.writeString(dir.resolve("token"), f.api.token());
    f.start(f.explicit().streamingList(false).tokenFile(tokenFile).build());
    ServiceWatch w = watch();
    Random random = new Random(401);
    long longest = 0;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      awaitSliceWatches(i + 1);
      long start = System.nanoTime();
      String next = f.api.faults().rotateToken(Duration.ZERO);
      tokens.add(next);
      Files.writeString(dir.resolve("token.new"), next);
      Files.move(
          dir.resolve("token.new"),
          tokenFile,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      f.api.faults().dropWatches();
      randomChange(random);
      awaitAsCluster(w);
      longest = Math.max(longest, System.nanoTime() - start);
    }
    assertThat(f.api.requests().matching(r -> r.status() == 401)).hasSizeGreaterThanOrEqualTo(10);
    for (String t : tokens) {
      assertThat(f.api.requests().matching(r -> r.status() == 200 && t.equals(r.token())))
          .as("a token rotated in was used")
          .isNotEmpty();
    }
    assertThat(errors()).allMatch(e -> tokens.stream().noneMatch(e.message()::contains));
    assertThat(f.count("list", "endpointslices")).as("resumed after 401").isEqualTo(1);
    assertNoPhantom();
    record("token rotated (no grace), token file replaced", "10 rotations", 10, longest);
  }
}
