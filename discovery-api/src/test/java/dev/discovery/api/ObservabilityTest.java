package dev.discovery.api;

import static dev.discovery.api.Endpoints.ip;
import static dev.discovery.api.Endpoints.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery.status(), observers, pick counts and the state-change log lines. */
class ObservabilityTest {
  private static final String TARGET = "fake:///observed.shop";

  private final FakeScheduler scheduler = FakeScheduler.create();
  private final ScriptedProvider scripted = new ScriptedProvider("fake");
  private final List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
  private Discovery discovery = discovery(false);

  private Discovery discovery(boolean countPicks) {
    return Discovery.builder()
        .clock(scheduler.clock())
        .ticker(scheduler.clock()::nanos)
        .scheduler(scheduler)
        .blockingExecutor(scheduler)
        .environment(Environment.empty())
        .registry(ResolverRegistry.of(scripted))
        .observer(events::add)
        .countPicks(countPicks)
        .build();
  }

  @AfterEach
  void close() {
    discovery.close();
  }

  private static Endpoint endpoint(String ip, boolean ready, boolean serving, boolean terminating) {
    return Endpoint.builder(ip(ip), 80)
        .ready(ready)
        .serving(serving)
        .terminating(terminating)
        .build();
  }

  @Test
  void status_listsEveryWatch_withSourceCountsStalenessErrorRevisionAndUsers() {
    assertThat(discovery.status().watches()).isEmpty();
    assertThat(discovery.status()).hasToString("no watches");

    ServiceWatch web = discovery.watch(TARGET);
    ServiceWatch again = discovery.watch(TARGET);
    web.balancer(Policies.random());
    again.subscribe(e -> {});
    ScriptedProvider.Scripted r = scripted.only();

    DiscoveryStatus.Watch pending = discovery.status().watch(TARGET).orElseThrow();
    assertThat(pending.source()).isNull();
    assertThat(pending.counts()).isEqualTo(DiscoveryStatus.Counts.NONE);

    r.publish(
        endpoint("10.0.0.1", true, true, false),
        endpoint("10.0.0.2", true, true, false),
        endpoint("10.0.0.3", false, true, true),
        endpoint("10.0.0.4", false, false, true));
    scheduler.advance(Duration.ofSeconds(12));
    r.fail(ResolutionError.unavailable("source down"));

    DiscoveryStatus status = discovery.status();
    assertThat(status.at()).isEqualTo(scheduler.clock().instant());
    DiscoveryStatus.Watch w = status.watches().get(0);
    assertThat(w.target()).isEqualTo(TARGET);
    assertThat(w.source()).isEqualTo(Source.of("scripted"));
    assertThat(w.kind()).isEqualTo(ServiceKind.HEADLESS);
    assertThat(w.counts()).isEqualTo(new DiscoveryStatus.Counts(4, 2, 3, 2, 0));
    assertThat(w.staleness()).isEqualTo(Duration.ofSeconds(12));
    assertThat(w.lastError()).isEqualTo(ResolutionError.unavailable("source down"));
    assertThat(w.revision()).isEqualTo(1);
    assertThat(w.watches()).isEqualTo(2);
    assertThat(w.balancers()).isEqualTo(1);
    assertThat(w.subscribers()).isEqualTo(1);
    assertThat(w.picks()).isEmpty();
    assertThat(w.toString())
        .isEqualTo(
            TARGET
                + " source=scripted kind=HEADLESS endpoints=4 ready=2 serving=3 terminating=2"
                + " ejected=0 stale=12.0s revision=1 watches=2 balancers=1 subscribers=1"
                + " error=UNAVAILABLE: source down");
    assertThat(w.toMap())
        .containsEntry("target", TARGET)
        .containsEntry("ready", 2)
        .containsEntry("stalenessSeconds", 12.0)
        .containsEntry("error", "UNAVAILABLE: source down");

    web.close();
    assertThat(discovery.status().watch(TARGET).orElseThrow().watches()).isEqualTo(1);
    assertThat(discovery.status().watch(TARGET).orElseThrow().balancers()).isZero();
    again.close();
    assertThat(discovery.status().watches()).isEmpty();
  }

  @Test
  void observers_hearTheWatchsLife_resolutionsFailuresAndTheOutageLength() {
    ServiceWatch web = discovery.watch(TARGET);
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80));
    r.publish(ready("10.0.0.1", 80)); // unchanged
    scheduler.advance(Duration.ofSeconds(5));
    r.fail(ResolutionError.unavailable("down"));
    scheduler.advance(Duration.ofSeconds(5));
    r.fail(ResolutionError.unavailable("still down"));
    scheduler.advance(Duration.ofSeconds(5));
    r.publish(ready("10.0.0.1", 80), ready("10.0.0.2", 80));
    r.context.activity("scripted", "reconnect");
    web.close();

    assertThat(events)
        .containsExactly(
            new DiscoveryEvent.WatchStarted(TARGET),
            new DiscoveryEvent.Resolved(TARGET, Source.of("scripted"), true, 1, 1, null),
            new DiscoveryEvent.Resolved(TARGET, Source.of("scripted"), false, 1, 1, null),
            new DiscoveryEvent.ResolutionFailed(TARGET, ResolutionError.unavailable("down"), true),
            new DiscoveryEvent.ResolutionFailed(
                TARGET, ResolutionError.unavailable("still down"), false),
            new DiscoveryEvent.Resolved(TARGET, Source.of("scripted"), true, 2, 2, null),
            new DiscoveryEvent.Recovered(TARGET, Duration.ofSeconds(10)),
            new DiscoveryEvent.SourceActivity(TARGET, "scripted", "reconnect"),
            new DiscoveryEvent.WatchClosed(TARGET));
  }

  @Test
  void resolved_carriesTheDelayFromTheSourcesChange_onlyForANewerChangeThatChangedTheSnapshot() {
    discovery.watch(TARGET);
    ScriptedProvider.Scripted r = scripted.only();
    // The first snapshot: its change may predate the watch, so it measures nothing.
    r.listener.onResult(
        new ResolutionResult.Resolved(
            set(ready("10.0.0.9", 80)), scheduler.clock().instant().minusSeconds(60)));
    Instant t0 = scheduler.clock().instant();
    scheduler.advance(Duration.ofMillis(250));
    r.listener.onResult(new ResolutionResult.Resolved(set(ready("10.0.0.1", 80)), t0));
    // The same change time again (a Service edit re-assembled the same slices): no new delay.
    r.listener.onResult(
        new ResolutionResult.Resolved(set(ready("10.0.0.1", 80), ready("10.0.0.2", 80)), t0));
    // A change time in the future of this clock (skew between hosts): clamped to zero.
    r.listener.onResult(
        new ResolutionResult.Resolved(
            set(ready("10.0.0.3", 80)), scheduler.clock().instant().plusSeconds(1)));

    List<Duration> delays =
        events.stream()
            .filter(e -> e instanceof DiscoveryEvent.Resolved)
            .map(e -> ((DiscoveryEvent.Resolved) e).sourceDelay())
            .toList();
    assertThat(delays).containsExactly(null, Duration.ofMillis(250), null, Duration.ZERO);
  }

  private EndpointSet set(Endpoint... endpoints) {
    return EndpointSet.builder(ServiceKind.HEADLESS, Source.of("scripted"))
        .addAll(Arrays.asList(endpoints))
        .resolvedAt(scheduler.clock().instant())
        .build();
  }

  @Test
  void observerThatThrows_isLoggedAtMostOnceAMinute_andTheOthersAreToldAllTheSame() {
    List<DiscoveryEvent> second = new ArrayList<>();
    discovery.observe(
        new DiscoveryObserver() {
          @Override
          public void onEvent(DiscoveryEvent event) {
            throw new IllegalStateException("observer bug");
          }

          @Override
          public String toString() {
            return "BrokenObserver";
          }
        });
    discovery.observe(second::add);
    Stderr stderr = Stderr.capture();
    try {
      discovery.watch(TARGET);
      ScriptedProvider.Scripted r = scripted.only();
      r.publish(ready("10.0.0.1", 80));
      r.publish(ready("10.0.0.2", 80));
      scheduler.advance(Duration.ofSeconds(61));
      r.publish(ready("10.0.0.3", 80));
    } finally {
      stderr.stop();
    }
    assertThat(second).hasSize(4); // started, then three resolutions
    assertThat(events).hasSize(4);
    List<String> warned = stderr.lines("WARN", "BrokenObserver threw");
    assertThat(warned).hasSize(2);
    assertThat(warned.get(0)).contains("WatchStarted of " + TARGET, "(0 more");
    assertThat(warned.get(1)).contains("Resolved of " + TARGET, "(2 more");
  }

  @Test
  void logs_oneLinePerStateChange_firstResolutionOutageBegunOnceAndRecovery() {
    Stderr stderr = Stderr.capture();
    try {
      discovery.watch(TARGET);
      ScriptedProvider.Scripted r = scripted.only();
      r.publish(ready("10.0.0.1", 80));
      r.publish(ready("10.0.0.2", 80));
      for (int i = 0; i < 5; i++) {
        scheduler.advance(Duration.ofSeconds(2));
        r.fail(ResolutionError.unavailable("timeout " + i));
      }
      scheduler.advance(Duration.ofSeconds(3));
      r.publish(ready("10.0.0.2", 80));
      r.fail(ResolutionError.unavailable("flap"));
      r.publish(ready("10.0.0.2", 80));
    } finally {
      stderr.stop();
    }
    List<String> lines = stderr.lines("", TARGET + ":");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .contains("INFO", "first resolution: HEADLESS source=scripted revision=1 endpoints=1");
    assertThat(lines.get(1))
        .contains(
            "WARN",
            "resolution failing: UNAVAILABLE: timeout 0; keeping the last good snapshot of 1"
                + " endpoints; retrying");
    assertThat(lines.get(2))
        .contains("INFO", "resolution recovered after PT11S (UNAVAILABLE: timeout 4)");
    // A second outage within the minute is not logged at WARN again (DEBUG, not shown).
    assertThat(lines.get(3)).contains("INFO", "recovered after PT0S (UNAVAILABLE: flap)");
  }

  @Test
  void countPicks_countsEachEndpointsPicks_inStatus_andNothingWhenOff() {
    discovery.close();
    discovery = discovery(true);
    ServiceWatch web = discovery.watch(TARGET);
    Balancer sticky = web.balancer(Policies.sticky());
    Balancer random = web.balancer(Policies.random());
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80), ready("10.0.0.2", 80));

    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 50; i++) {
      expected.merge(sticky.pick("user-" + i).hostPort(), 1L, Long::sum);
      expected.merge(random.pick().hostPort(), 1L, Long::sum);
    }
    DiscoveryStatus.Watch w = discovery.status().watch(TARGET).orElseThrow();
    assertThat(w.picks()).isEqualTo(expected);
    assertThat(w.picks().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
    assertThat(w.toString()).contains(" picks={10.0.0.1:80=");

    // An endpoint that leaves takes its counter along; one that stays keeps counting.
    r.publish(ready("10.0.0.2", 80));
    random.pick();
    assertThat(discovery.status().watch(TARGET).orElseThrow().picks())
        .containsOnlyKeys("10.0.0.2:80")
        .containsEntry("10.0.0.2:80", expected.get("10.0.0.2:80") + 1);
  }

  @Test
  void countPicks_countsAtMostTheBoundOneByOne_andTheRestTogether() {
    discovery.close();
    discovery = discovery(true);
    ServiceWatch web = discovery.watch(TARGET);
    Balancer sticky = web.balancer(Policies.sticky());
    List<Endpoint> many = Endpoints.random(new Random(7), 150);
    scripted.only().publish(many.toArray(new Endpoint[0]));
    for (int i = 0; i < 3000; i++) {
      sticky.pick("k" + i);
    }
    DiscoveryStatus.Watch w = discovery.status().watch(TARGET).orElseThrow();
    assertThat(w.picks()).hasSize(Discovery.MAX_COUNTED_ENDPOINTS);
    long counted = w.picks().values().stream().mapToLong(Long::longValue).sum();
    assertThat(w.otherPicks()).isPositive();
    assertThat(counted + w.otherPicks()).isEqualTo(3000);
  }

  @Test
  void pickCounter_countsAnOutsideBalancersPicks_withTheWatchsOwn() {
    discovery.close();
    discovery = discovery(true);
    ServiceWatch web = discovery.watch(TARGET);
    Balancer random = web.balancer(Policies.random());
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80), ready("10.0.0.2", 80));
    List<Endpoint> candidates = web.current().orElseThrow().endpoints();

    // As a gRPC load balancer does: a counter per candidate list, picks counted by instance.
    PickCounter outside = web.pickCounter(candidates);
    for (int i = 0; i < 30; i++) {
      outside.count(candidates.get(i % 2));
    }
    Endpoint picked = random.pick();
    outside.count(endpoint("10.9.9.9", true, true, false)); // not a candidate instance

    DiscoveryStatus.Watch w = discovery.status().watch(TARGET).orElseThrow();
    Map<String, Long> expected = new TreeMap<>(Map.of("10.0.0.1:80", 15L, "10.0.0.2:80", 15L));
    expected.merge(picked.hostPort(), 1L, Long::sum);
    assertThat(w.picks()).isEqualTo(expected);
    assertThat(w.otherPicks()).isEqualTo(1);
  }

  @Test
  void pickCounter_countsNothing_whenTheDiscoveryCountsNoPicks() {
    ServiceWatch web = discovery.watch(TARGET);
    scripted.only().publish(ready("10.0.0.1", 80));
    PickCounter counter = web.pickCounter(web.current().orElseThrow().endpoints());
    assertThat(counter).isSameAs(PickCounter.NONE);
    counter.count(web.current().orElseThrow().endpoints().get(0));
    assertThat(discovery.status().watch(TARGET).orElseThrow().picks()).isEmpty();
  }

  @Test
  void picksAreNotCounted_byDefault() {
    ServiceWatch web = discovery.watch(TARGET);
    Balancer random = web.balancer(Policies.random());
    scripted.only().publish(ready("10.0.0.1", 80));
    random.pick();
    DiscoveryStatus.Watch w = discovery.status().watch(TARGET).orElseThrow();
    assertThat(w.picks()).isEmpty();
    assertThat(w.otherPicks()).isZero();
  }

  @Test
  void ejected_isCountedFromThePoliciesEvents_perTarget() {
    discovery.watch(TARGET);
    scripted.only().publish(ready("10.0.0.1", 80), ready("10.0.0.2", 80));
    DiscoveryObserver hosts = discovery.observer();
    Duration out = Duration.ofSeconds(30);
    hosts.onEvent(
        new DiscoveryEvent.EndpointEjected(TARGET, ready("10.0.0.1", 80), "outlier", "5xx", out));
    hosts.onEvent(
        new DiscoveryEvent.EndpointEjected(TARGET, ready("10.0.0.9", 80), "outlier", "gone", out));
    hosts.onEvent(
        new DiscoveryEvent.EndpointEjected("fake:///other", ready("10.0.0.2", 80), "o", "x", out));
    assertThat(discovery.status().watch(TARGET).orElseThrow().counts().ejected()).isEqualTo(1);

    hosts.onEvent(new DiscoveryEvent.EndpointReturned(TARGET, ready("10.0.0.1", 80), "outlier"));
    assertThat(discovery.status().watch(TARGET).orElseThrow().counts().ejected()).isZero();
    assertThat(events).filteredOn(e -> e instanceof DiscoveryEvent.EndpointEjected).hasSize(3);
  }

  @Test
  void observe_returnsASubscription_thatStopsTheObserver() {
    List<DiscoveryEvent> seen = new ArrayList<>();
    Subscription s = discovery.observe(seen::add);
    discovery.watch(TARGET);
    s.close();
    scripted.only().publish(ready("10.0.0.1", 80));
    assertThat(seen).containsExactly(new DiscoveryEvent.WatchStarted(TARGET));
  }

  /** What the SDK writes to System.err (slf4j-simple's output) while captured, still shown. */
  private static final class Stderr extends OutputStream {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    static Stderr capture() {
      Stderr s = new Stderr();
      System.setErr(new PrintStream(s, true, StandardCharsets.UTF_8));
      return s;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      copy.write(b, off, len);
    }

    /** The captured lines that contain both {@code level} and {@code text}. */
    synchronized List<String> lines(String level, String text) {
      return copy.toString(StandardCharsets.UTF_8)
          .lines()
          .filter(l -> l.contains(level) && l.contains(text))
          .toList();
    }

    void stop() {
      System.setErr(original);
    }
  }
}
