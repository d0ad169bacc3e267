package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Call feedback through the Java API, least_request, the layers' configuration and composition. */
class TrafficPolicyTest {
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final ScriptedProvider scripted = new ScriptedProvider("fake");
  private final Discovery discovery =
      Discovery.builder()
          .clock(scheduler.clock())
          .ticker(scheduler.clock()::nanos)
          .scheduler(scheduler)
          .blockingExecutor(scheduler)
          .environment(Environment.empty())
          .registry(ResolverRegistry.of(scripted))
          .build();
  private final ServiceWatch watch = discovery.watch("fake:///web.shop:http");

  @AfterEach
  void close() {
    discovery.close();
  }

  /** A third-party policy written against the SPI: first endpoint, and a log of its feedback. */
  static final class RecordingPolicy implements Policy {
    final List<String> log = new ArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public <T> Picker<T> newPicker(Candidates<T> candidates) {
      T first = candidates.item(0);
      return new Picker<>() {
        @Override
        public T pick() {
          return first;
        }

        @Override
        public T pick(CharSequence key) {
          return first;
        }
      };
    }

    @Override
    public <T> PolicyInstance<T> newInstance(PolicyContext context) {
      return new PolicyInstance<>() {
        @Override
        public Picker<T> newPicker(Candidates<T> candidates) {
          return RecordingPolicy.this.newPicker(candidates);
        }

        @Override
        public CallFeedback feedback() {
          return new CallFeedback() {
            @Override
            public void onStart(Endpoint endpoint) {
              log.add("start " + endpoint.hostPort());
            }

            @Override
            public void onEnd(Endpoint endpoint, CallOutcome outcome, long latencyNanos) {
              log.add(
                  "end "
                      + endpoint.hostPort()
                      + " "
                      + outcome.status()
                      + " "
                      + Duration.ofNanos(latencyNanos).toMillis()
                      + "ms");
            }
          };
        }
      };
    }
  }

  @Test
  void call_reportsStartAndFirstOutcomeOnce_withTickerLatency() {
    RecordingPolicy policy = new RecordingPolicy();
    Balancer b = watch.balancer(policy);
    scripted.only().publish(Endpoints.ready("10.0.0.1", 80));
    try (Balancer.Call call = b.start()) {
      scheduler.advance(Duration.ofMillis(25));
      call.succeeded();
      call.failed(); // ignored: the first report wins
    } // close after an outcome: nothing
    try (Balancer.Call call = b.start("k")) {
      call.failed("UNAVAILABLE");
    }
    Balancer.Call abandoned = b.start();
    abandoned.close();
    abandoned.close();
    assertThat(policy.log)
        .containsExactly(
            "start 10.0.0.1:80",
            "end 10.0.0.1:80 OK 25ms",
            "start 10.0.0.1:80",
            "end 10.0.0.1:80 UNAVAILABLE 0ms",
            "start 10.0.0.1:80",
            "end 10.0.0.1:80 CANCELLED 0ms");
  }

  @Test
  void call_underAPolicyWithoutFeedback_stillGivesTheEndpoint() {
    Balancer b = watch.balancer(Policies.random());
    scripted.only().publish(Endpoints.ready("10.0.0.1", 80));
    try (Balancer.Call call = b.start()) {
      assertThat(call.endpoint()).isEqualTo(Endpoints.ready("10.0.0.1", 80));
      call.succeeded();
    }
  }

  @Test
  void leastRequest_throughTheJavaApi_avoidsTheEndpointWithCallsInFlight() {
    Balancer b = watch.balancer(Policies.leastRequest(2, new Random(1)));
    Endpoint one = Endpoints.ready("10.0.0.1", 80);
    Endpoint two = Endpoints.ready("10.0.0.2", 80);
    scripted.only().publish(one, two);
    List<Balancer.Call> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add(b.start());
    }
    // p2c with two endpoints: the less loaded of two draws, so in-flight counts stay within one.
    long toOne = open.stream().filter(c -> c.endpoint().equals(one)).count();
    assertThat(toOne).isBetween(4L, 6L);
    open.forEach(Balancer.Call::close);
  }

  @Test
  void leastRequest_forgottenCalls_areDroppedWithTheirEndpoint_andCountsNeverGoNegative() {
    Policy policy = Policies.leastRequest(2, new Random(1));
    Simulation sim = new Simulation(policy, 1);
    Endpoint one = Endpoints.ready("10.0.0.1", 80);
    Endpoint two = Endpoints.ready("10.0.0.2", 80);
    sim.publish(List.of(one, two), Map.of());
    PolicyInstance<Endpoint> instance =
        policy.newInstance(
            new PolicyContext(sim.clock, sim.clock::nanos, "t", sim.scheduler, () -> {}, e -> {}));
    CallFeedback f = instance.feedback();
    instance.newPicker(Candidates.ofEndpoints(List.of(one, two)));
    for (int i = 0; i < 100; i++) {
      f.onStart(one); // never ended
    }
    Picker<Endpoint> p = instance.newPicker(Candidates.ofEndpoints(List.of(one, two)));
    // Two draws with replacement: one wins only when both draws are one (about 1 in 4).
    assertThat(count(p, 1000).get(two)).isGreaterThan(650);
    instance.newPicker(Candidates.ofEndpoints(List.of(two))); // one leaves: its count goes
    p = instance.newPicker(Candidates.ofEndpoints(List.of(one, two))); // and comes back at 0
    for (int i = 0; i < 100; i++) {
      f.onEnd(one, CallOutcome.SUCCESS, 1); // late ends of the forgotten calls: not below 0
    }
    f.onStart(one);
    f.onStart(one);
    f.onStart(two); // 2 in flight to one, 1 to two (had one's count gone to -100: one preferred)
    assertThat(count(p, 1000).get(two)).isGreaterThan(650);
  }

  private static Map<Endpoint, Integer> count(Picker<Endpoint> p, int n) {
    Map<Endpoint, Integer> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.merge(p.pick(), 1, Integer::sum);
    }
    return m;
  }

  @Test
  void leastRequest_isFoundByName_withChoiceCount() {
    assertThat(Policies.names()).contains("least_request");
    assertThat(Policies.byName("least_request")).isEqualTo(Policies.leastRequest());
    assertThat(Policies.byName("least_request", Map.of("choiceCount", 3.0)))
        .isEqualTo(Policies.leastRequest(3));
    assertThatThrownBy(() -> Policies.leastRequest(1))
        .hasMessage("choiceCount: 1 (expected: 2..10)");
    assertThatThrownBy(() -> Policies.byName("least_request", Map.of("choiceCount", 11.0)))
        .hasMessage("choiceCount: 11 (expected: 2..10)");
    assertThatThrownBy(() -> Policies.byName("least_request", Map.of("choices", 3.0)))
        .hasMessage("option: \"choices\" for policy least_request (expected: choiceCount)");
  }

  @Test
  void configure_layersFromJson_inTheFixedOrderWhateverTheCallOrder() {
    Map<String, Object> json =
        Map.of(
            "choiceCount", 3.0,
            "zoneAware", Map.of("minLocalEndpoints", 2.0),
            "outlierEjection", Map.of("consecutiveFailures", 3.0, "baseEjectionTime", "10s"),
            "slowStart", Map.of("window", "60s", "aggression", 2.0));
    Policy fromJson = Policies.byName("least_request", json);
    ZoneAware zone = ZoneAware.fromSnapshot().withMinLocalEndpoints(2);
    OutlierEjection ejection =
        OutlierEjection.builder()
            .consecutiveFailures(3)
            .baseEjectionTime(Duration.ofSeconds(10))
            .build();
    SlowStart slow = SlowStart.of(Duration.ofSeconds(60)).withAggression(2);
    Policy typed =
        Policies.withSlowStart(
            Policies.withOutlierEjection(
                Policies.withZoneAware(Policies.leastRequest(3), zone), ejection),
            slow);
    Policy reordered =
        Policies.withZoneAware(
            Policies.withOutlierEjection(
                Policies.withSlowStart(Policies.leastRequest(3), slow), ejection),
            zone);
    assertThat(fromJson).isEqualTo(typed).isEqualTo(reordered);
    assertThat(fromJson.name()).isEqualTo("least_request");
    assertThat(OutlierEjection.fromOptions(ejection.toOptions())).isEqualTo(ejection);
    assertThat(SlowStart.fromOptions(slow.toOptions())).isEqualTo(slow);
    assertThat(ZoneAware.fromOptions(zone.toOptions())).isEqualTo(zone);
  }

  @Test
  void configure_stickyWithLayersAndAffinity_staysKeyed() {
    Policy p =
        Policies.byName(
            "sticky",
            Map.of("affinityTimeout", "60s", "outlierEjection", Map.of(), "zoneAware", Map.of()));
    assertThat(p.keyed()).isTrue();
    assertThat(p.name()).isEqualTo("sticky");
    assertThat(p)
        .isEqualTo(
            Policies.withZoneAware(
                Policies.withOutlierEjection(
                    Policies.sticky(Affinity.of(Duration.ofSeconds(60))),
                    OutlierEjection.defaults()),
                ZoneAware.fromSnapshot()));
  }

  @Test
  void configure_badLayerOptions_sayWhatWasExpected() {
    assertThatThrownBy(() -> Policies.byName("random", Map.of("outlierEjection", Map.of("x", 1.0))))
        .hasMessageStartingWith("outlierEjection: unknown option \"x\" (expected one of: ");
    assertThatThrownBy(
            () ->
                Policies.byName(
                    "random", Map.of("outlierEjection", Map.of("maxEjectionPercent", 150.0))))
        .hasMessage("maxEjectionPercent: 150 (expected: 0..100)");
    assertThatThrownBy(
            () -> Policies.byName("random", Map.of("slowStart", Map.of("window", "soon"))))
        .hasMessage("window: \"soon\" (expected: a duration such as \"10800s\" or \"PT3H\")");
    assertThatThrownBy(() -> Policies.byName("random", Map.of("zoneAware", "a")))
        .hasMessage("zoneAware: a (expected: a JSON object)");
    assertThatThrownBy(
            () ->
                Policies.byName(
                    "random",
                    Map.of("outlierEjection", Map.of("failureStatuses", List.of("CANCELLED")))))
        .hasMessage(
            "failureStatuses: [CANCELLED] (expected: at least one status, never CANCELLED)");
  }

  @Test
  void stickyWithEjection_keysOfTheEjectedEndpointMoveAndComeBack_othersStay() {
    List<Endpoint> ten = Simulation.plain(10);
    Simulation sim =
        new Simulation(
                Policies.withOutlierEjection(Policies.sticky(), OutlierEjection.defaults()), 1)
            .publish(ten, Map.of());
    Picker<Endpoint> before = sim.picker();
    Endpoint bad = before.pick("key-0");
    sim.backend(bad, new Simulation.Backend(Duration.ofMillis(1), 1.0));
    sim.run(5, Duration.ofMillis(10), k -> "key-0"); // 5 failures in a row: ejected
    assertThat(sim.events).hasSize(1);
    Picker<Endpoint> during = sim.picker();
    int moved = 0;
    for (int k = 0; k < 10_000; k++) {
      String key = "key-" + k;
      Endpoint was = before.pick(key);
      Endpoint now = during.pick(key);
      if (was.equals(bad)) {
        assertThat(now).isNotEqualTo(bad).isEqualTo(firstOther(before, key, bad));
        moved++;
      } else {
        assertThat(now).isEqualTo(was);
      }
    }
    assertThat(moved).isGreaterThan(500);
    sim.scheduler.advance(Duration.ofSeconds(30));
    assertThat(sim.events.get(1)).isInstanceOf(DiscoveryEvent.EndpointReturned.class);
    Picker<Endpoint> after = sim.picker();
    for (int k = 0; k < 10_000; k++) {
      assertThat(after.pick("key-" + k)).isEqualTo(before.pick("key-" + k));
    }
  }

  private static Endpoint firstOther(Picker<Endpoint> p, String key, Endpoint bad) {
    for (int a = 0; ; a++) {
      Endpoint e = p.pick(key, a);
      if (!e.equals(bad)) {
        return e;
      }
    }
  }

  @Test
  void ejection_neverTakesTheLastEndpoint_andAtLeastOneMayGo() {
    Endpoint only = Endpoints.ready("10.0.0.1", 80);
    Simulation alone =
        new Simulation(
                Policies.withOutlierEjection(Policies.random(), OutlierEjection.defaults()), 1)
            .publish(List.of(only), Map.of());
    alone.backend(only, new Simulation.Backend(Duration.ofMillis(1), 1.0));
    alone.run(50, Duration.ofMillis(10));
    assertThat(alone.events).isEmpty();

    List<Endpoint> three = Simulation.plain(3); // 10 % of 3 is 0, but one may always go
    Simulation sim =
        new Simulation(
                Policies.withOutlierEjection(Policies.random(), OutlierEjection.defaults()), 1)
            .publish(three, Map.of());
    three.forEach(e -> sim.backend(e, new Simulation.Backend(Duration.ofMillis(1), 1.0)));
    sim.run(100, Duration.ofMillis(10));
    assertThat(sim.events).hasSize(1);
  }

  @Test
  void ejection_whenOnlyEjectedEndpointsAreLeft_picksAmongThem() {
    List<Endpoint> two = Simulation.plain(2);
    Simulation sim =
        new Simulation(
                Policies.withOutlierEjection(Policies.random(), OutlierEjection.defaults()), 1)
            .publish(two, Map.of());
    sim.backend(two.get(0), new Simulation.Backend(Duration.ofMillis(1), 1.0));
    sim.run(20, Duration.ofMillis(10), k -> "k");
    sim.run(40, Duration.ofMillis(10));
    assertThat(sim.events).hasSize(1);
    sim.publish(List.of(two.get(0)), Map.of()); // the healthy one leaves
    assertThat(sim.picker().pick()).isEqualTo(two.get(0));
  }

  @Test
  void zoneAware_followsHintsWhenEveryEndpointHasThem_elseTrafficDistribution() {
    List<Endpoint> six = new ArrayList<>();
    for (Endpoint e : Simulation.zoned(3, 2)) {
      // The slice controller's hints send zone c's share to zone a and b's callers (data only).
      String hint = "c".equals(e.zone()) ? "a" : e.zone();
      six.add(e.toBuilder().attribute("hints.forZones", hint).build());
    }
    Policy policy =
        Policies.withZoneAware(Policies.random(new Random(1)), ZoneAware.fromSnapshot());
    Picker<Endpoint> hinted =
        policy.newPicker(Candidates.of(six, six, Map.of(EndpointSet.CLIENT_ZONE, "a")));
    assertThat(count(hinted, 600).keySet()).extracting(Endpoint::zone).containsOnly("a", "c");

    List<Endpoint> partly = new ArrayList<>(six);
    partly.set(0, Simulation.zoned(3, 2).get(0)); // one without hints: hints are ignored
    Picker<Endpoint> byZone =
        policy.newPicker(
            Candidates.of(
                partly,
                partly,
                Map.of(EndpointSet.CLIENT_ZONE, "a", "k8s.trafficDistribution", "PreferSameZone")));
    assertThat(count(byZone, 600).keySet()).extracting(Endpoint::zone).containsOnly("a");

    Picker<Endpoint> byNode =
        policy.newPicker(
            Candidates.of(
                partly,
                partly,
                Map.of(
                    EndpointSet.CLIENT_ZONE,
                    "a",
                    EndpointSet.CLIENT_NODE,
                    "node-b2",
                    "k8s.trafficDistribution",
                    "PreferSameNode")));
    assertThat(count(byNode, 100).keySet()).extracting(Endpoint::node).containsOnly("node-b2");

    Picker<Endpoint> elsewhere =
        policy.newPicker(Candidates.of(partly, partly, Map.of(EndpointSet.CLIENT_ZONE, "z")));
    assertThat(count(elsewhere, 600)).hasSize(6);
  }

  @Test
  void zoneAware_stickyKeysStayInZone() {
    List<Endpoint> nine = Simulation.zoned(3, 3);
    Policy policy = Policies.withZoneAware(Policies.sticky(), ZoneAware.inZone("b"));
    Picker<Endpoint> p = policy.newPicker(Candidates.ofEndpoints(nine));
    for (int k = 0; k < 1000; k++) {
      assertThat(p.pick("key-" + k).zone()).isEqualTo("b");
    }
  }
}
