package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Simulation.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The traffic-aware policies in deterministic simulations (see {@link Simulation}); each prints the
 * table docs/policies.md quotes.
 */
class TrafficSimulationTest {
  private static final long SEED = 42;

  @Test
  void leastRequest_oneBackendTenTimesSlower_getsFarLessThanItsShare() {
    List<Endpoint> five = Simulation.plain(5);
    Endpoint slow = five.get(2);
    System.out.println("one backend of 5 is 10x slower (100 ms vs 10 ms), 20,000 calls at 400/s:");
    System.out.println("| policy | slow backend's share | fair share |");
    System.out.println("| --- | --- | --- |");
    double[] shares = new double[2];
    Policy[] policies = {
      Policies.withOutlierEjection(
          Policies.random(new Random(SEED)), OutlierEjection.defaults()), // random, with feedback
      Policies.leastRequest(2, new Random(SEED))
    };
    String[] names = {"random", "least_request (2 choices)"};
    for (int p = 0; p < 2; p++) {
      Simulation sim = new Simulation(policies[p], SEED).publish(five, Map.of());
      for (Endpoint e : five) {
        sim.backend(e, Backend.healthy(Duration.ofMillis(e.equals(slow) ? 100 : 10)));
      }
      Map<Endpoint, Integer> picks = sim.run(20_000, Duration.ofNanos(2_500_000));
      shares[p] = Simulation.share(picks, slow::equals);
      System.out.printf("| %s | %.1f %% | 20.0 %% |%n", names[p], 100 * shares[p]);
    }
    assertThat(shares[0]).isBetween(0.18, 0.22);
    assertThat(shares[1]).isLessThan(0.10);
  }

  @Test
  void outlierEjection_backendFailingEveryCall_isEjectedAfterFiveAndReturnsAfterBaseTime() {
    List<Endpoint> five = Simulation.plain(5);
    Endpoint bad = five.get(4);
    Simulation sim =
        new Simulation(
                Policies.withOutlierEjection(
                    Policies.random(new Random(SEED)), OutlierEjection.defaults()),
                SEED)
            .publish(five, Map.of());
    sim.backend(bad, new Backend(Duration.ofMillis(5), 1.0));
    long t0 = sim.clock.nanos();
    System.out.println("one backend of 5 fails every call; defaults (5 in a row, 30 s x n):");
    System.out.println("| second | calls to it in that second | event |");
    System.out.println("| --- | --- | --- |");
    List<Integer> perSecond = new ArrayList<>();
    int events = 0;
    for (int s = 0; s < 100; s++) {
      Map<Endpoint, Integer> picks = sim.run(100, Duration.ofMillis(10));
      perSecond.add(picks.getOrDefault(bad, 0));
      while (events < sim.events.size()) {
        DiscoveryEvent ev = sim.events.get(events++);
        System.out.printf(
            "| %d | %d | %s |%n", s, picks.getOrDefault(bad, 0), describe(ev, t0, sim));
      }
    }
    assertThat(sim.events).hasSizeGreaterThanOrEqualTo(4);
    var first = (DiscoveryEvent.EndpointEjected) sim.events.get(0);
    assertThat(first.endpoint()).isEqualTo(bad);
    assertThat(first.reason()).isEqualTo("5 consecutive failures");
    assertThat(first.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(perSecond.get(0))
        .isEqualTo(5); // ejected at the 5th failure, within the first second
    assertThat(perSecond.subList(1, 30)).allMatch(n -> n == 0);
    assertThat(sim.events.get(1)).isInstanceOf(DiscoveryEvent.EndpointReturned.class);
    // Back at 30 s, it fails 5 more and goes out for 2 x 30 s.
    var second = (DiscoveryEvent.EndpointEjected) sim.events.get(2);
    assertThat(second.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(perSecond.get(30) + perSecond.get(31)).isEqualTo(5);
  }

  private static String describe(DiscoveryEvent ev, long t0, Simulation sim) {
    double at = (sim.clock.nanos() - t0) / 1e9;
    if (ev instanceof DiscoveryEvent.EndpointEjected e) {
      return "ejected for " + e.duration().toSeconds() + " s (" + e.reason() + ")";
    }
    return "returned";
  }

  @Test
  void outlierEjection_failurePercentage_ejectsAtTheIntervalEnd() {
    List<Endpoint> five = Simulation.plain(5);
    Endpoint flaky = five.get(0);
    Simulation sim =
        new Simulation(
                Policies.withOutlierEjection(
                    Policies.random(new Random(SEED)),
                    OutlierEjection.builder().consecutiveFailures(0).build()),
                SEED)
            .publish(five, Map.of());
    sim.backend(flaky, new Backend(Duration.ofMillis(5), 0.9));
    sim.run(1000, Duration.ofMillis(10)); // one 10 s interval: ~200 calls each, ~180 failed
    sim.run(10, Duration.ofMillis(10)); // the first call after the interval's end judges it
    assertThat(sim.events).hasSize(1);
    var e = (DiscoveryEvent.EndpointEjected) sim.events.get(0);
    assertThat(e.endpoint()).isEqualTo(flaky);
    assertThat(e.reason()).matches("\\d+ of \\d+ calls failed in 10s");
  }

  @Test
  void slowStart_newEndpointShare_followsTheRamp() {
    List<Endpoint> four = Simulation.plain(4);
    Duration window = Duration.ofSeconds(10);
    Simulation sim =
        new Simulation(
                Policies.withSlowStart(Policies.random(new Random(SEED)), SlowStart.of(window)),
                SEED)
            .publish(four, Map.of());
    sim.run(100, Duration.ofMillis(1));
    List<Endpoint> five = new ArrayList<>(four);
    Endpoint fresh = Endpoints.ready("10.0.0.9", 8080);
    five.add(fresh);
    sim.publish(five, Map.of());
    System.out.println("a 5th endpoint joins 4; slow start window 10 s, aggression 1, min 10 %:");
    System.out.println("| window tenth | its share | expected w/(4+w) |");
    System.out.println("| --- | --- | --- |");
    for (int tenth = 0; tenth < 12; tenth++) {
      Map<Endpoint, Integer> picks = sim.run(4000, Duration.ofNanos(250_000));
      double share = Simulation.share(picks, fresh::equals);
      double w = tenth >= 10 ? 1 : Math.max(0.1, (tenth + 0.5) / 10);
      double expected = w / (4 + w);
      System.out.printf(
          "| %s | %.1f %% | %.1f %% |%n",
          tenth >= 10 ? "after" : String.valueOf(tenth + 1), 100 * share, 100 * expected);
      assertThat(share).isBetween(expected - 0.03, expected + 0.03);
    }
  }

  @Test
  void slowStart_endpointsOfTheFirstSnapshot_startAtFullWeight() {
    List<Endpoint> four = Simulation.plain(4);
    Simulation sim =
        new Simulation(
                Policies.withSlowStart(
                    Policies.random(new Random(SEED)), SlowStart.of(Duration.ofSeconds(10))),
                SEED)
            .publish(four, Map.of());
    Map<Endpoint, Integer> picks = sim.run(8000, Duration.ofNanos(250_000));
    assertThat(picks.values()).allMatch(n -> n > 1800 && n < 2200);
  }

  @Test
  void zoneAware_threeZones_staysInZoneWhileHealthyAndSpillsWhenNot() {
    List<Endpoint> nine = Simulation.zoned(3, 3);
    Map<String, String> inA = Map.of(EndpointSet.CLIENT_ZONE, "a");
    Policy policy =
        Policies.withOutlierEjection(
            Policies.withZoneAware(
                Policies.leastRequest(2, new Random(SEED)), ZoneAware.fromSnapshot()),
            OutlierEjection.builder().maxEjectionPercent(50).build());
    Simulation sim = new Simulation(policy, SEED).publish(nine, inA);
    System.out.println(
        "3 zones x 3 endpoints, caller in zone a, least_request + zoneAware + ejection:");
    System.out.println("| phase | share in zone a |");
    System.out.println("| --- | --- |");
    double healthy =
        Simulation.share(sim.run(5000, Duration.ofMillis(1)), e -> "a".equals(e.zone()));
    System.out.printf("| zone a healthy | %.1f %% |%n", 100 * healthy);

    for (Endpoint e : nine) {
      if ("a".equals(e.zone())) {
        sim.backend(e, new Backend(Duration.ofMillis(5), 1.0));
      }
    }
    sim.run(200, Duration.ofMillis(1)); // 5 failures each: all three of zone a ejected
    double failing =
        Simulation.share(sim.run(5000, Duration.ofMillis(1)), e -> "a".equals(e.zone()));
    System.out.printf("| zone a failing (its 3 ejected) | %.1f %% |%n", 100 * failing);

    List<Endpoint> unready = nine.stream().filter(e -> !"a".equals(e.zone())).toList();
    Simulation sim2 =
        new Simulation(
                Policies.withZoneAware(Policies.random(new Random(SEED)), ZoneAware.fromSnapshot()),
                SEED)
            .publish(unready, inA);
    double gone = Simulation.share(sim2.run(5000, Duration.ofMillis(1)), e -> "a".equals(e.zone()));
    double inB = Simulation.share(sim2.run(5000, Duration.ofMillis(1)), e -> "b".equals(e.zone()));
    System.out.printf(
        "| zone a not ready (spilled to b and c) | %.1f %% (b: %.1f %%) |%n",
        100 * gone, 100 * inB);

    assertThat(healthy).isGreaterThan(0.95);
    assertThat(sim.events.stream().filter(DiscoveryEvent.EndpointEjected.class::isInstance))
        .hasSize(3);
    assertThat(failing).isLessThan(0.05);
    assertThat(gone).isZero();
    assertThat(inB).isBetween(0.45, 0.55);
  }
}
