package dev.discovery.api;

import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import dev.discovery.testkit.clock.FakeClock;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic traffic simulation: one policy instance hosted as a balancer hosts it, synthetic
 * backends with their own latency and failures, calls started at a fixed rate and ended when their
 * latency is over, all on a fake clock and scheduler. No threads, no sleeps: the same seed gives
 * the same run.
 */
final class Simulation {
  final FakeScheduler scheduler = FakeScheduler.create();
  final FakeClock clock = scheduler.clock();
  final List<DiscoveryEvent> events = new ArrayList<>();
  final Random random;
  private final PolicyInstance<Endpoint> instance;
  private final CallFeedback feedback;
  private final Map<Endpoint, Backend> backends = new HashMap<>();
  private final PriorityQueue<Ending> inFlight = new PriorityQueue<>();
  private Candidates<Endpoint> candidates;
  private Picker<Endpoint> picker;
  private boolean dirty;
  private long seq;

  /** How a synthetic backend answers: its latency and whether a call fails. */
  record Backend(Duration latency, double failureRate) {
    static Backend healthy(Duration latency) {
      return new Backend(latency, 0);
    }
  }

  private record Ending(long at, long seq, Endpoint endpoint, CallOutcome outcome, long latency)
      implements Comparable<Ending> {
    @Override
    public int compareTo(Ending o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  Simulation(Policy policy, long seed) {
    this.random = new Random(seed);
    this.instance =
        policy.newInstance(
            new PolicyContext(
                clock, clock::nanos, "sim", scheduler, () -> dirty = true, events::add));
    this.feedback = instance.feedback();
  }

  /** Publishes a snapshot of {@code endpoints} (each answering as {@code backend}). */
  Simulation publish(List<Endpoint> endpoints, Map<String, String> attributes) {
    candidates = Candidates.of(endpoints, endpoints, attributes);
    picker = instance.newPicker(candidates);
    dirty = false;
    return this;
  }

  Simulation backend(Endpoint e, Backend b) {
    backends.put(e, b);
    return this;
  }

  Picker<Endpoint> picker() {
    rebuildIfAsked();
    return picker;
  }

  private void rebuildIfAsked() {
    if (dirty) {
      dirty = false;
      picker = instance.newPicker(candidates);
    }
  }

  /** Moves time to {@code nanos}, ending the calls due on the way and running timers. */
  void advanceTo(long nanos) {
    while (!inFlight.isEmpty() && inFlight.peek().at <= nanos) {
      Ending end = inFlight.poll();
      move(end.at);
      feedback.onEnd(end.endpoint, end.outcome, end.latency);
    }
    move(nanos);
  }

  private void move(long nanos) {
    long d = nanos - clock.nanos();
    if (d > 0) {
      scheduler.advance(Duration.ofNanos(d));
    }
  }

  /**
   * Starts {@code calls} calls, one every {@code every}, and counts where they went (calls still in
   * flight at the end stay in flight).
   */
  Map<Endpoint, Integer> run(int calls, Duration every) {
    return run(calls, every, null);
  }

  /** As {@link #run(int, Duration)}, picking with a key per call ({@code keys} by call number). */
  Map<Endpoint, Integer> run(
      int calls, Duration every, java.util.function.IntFunction<String> keys) {
    Map<Endpoint, Integer> picks = new LinkedHashMap<>();
    for (Endpoint e : endpoints()) {
      picks.put(e, 0);
    }
    long start = clock.nanos();
    for (int k = 0; k < calls; k++) {
      advanceTo(start + k * every.toNanos());
      rebuildIfAsked();
      Endpoint e = keys == null ? picker.pick() : picker.pick(keys.apply(k));
      picks.merge(e, 1, Integer::sum);
      Backend b = backends.getOrDefault(e, Backend.healthy(Duration.ofMillis(10)));
      CallOutcome outcome =
          random.nextDouble() < b.failureRate() ? CallOutcome.FAILURE : CallOutcome.SUCCESS;
      // Latency varies around the backend's mean (exponential), as service times do.
      long latency =
          Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * b.latency().toNanos()));
      if (feedback != null) {
        feedback.onStart(e);
        inFlight.add(new Ending(clock.nanos() + latency, seq++, e, outcome, latency));
      }
    }
    advanceTo(start + calls * every.toNanos());
    return picks;
  }

  List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      out.add(candidates.endpoint(i));
    }
    return out;
  }

  /** Endpoints {@code 10.0.<zone>.<i>:8080} in zones a, b, c, ..., {@code perZone} each. */
  static List<Endpoint> zoned(int zones, int perZone) {
    List<Endpoint> out = new ArrayList<>();
    for (int z = 0; z < zones; z++) {
      for (int i = 1; i <= perZone; i++) {
        out.add(
            Endpoint.builder(Endpoints.ip("10.0." + z + "." + i), 8080)
                .zone(String.valueOf((char) ('a' + z)))
                .node("node-" + (char) ('a' + z) + i)
                .build());
      }
    }
    return out;
  }

  static List<Endpoint> plain(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(Endpoints.ready("10.0.0." + i, 8080));
    }
    return out;
  }

  static double share(Map<Endpoint, Integer> picks, java.util.function.Predicate<Endpoint> which) {
    long total = 0;
    long hit = 0;
    for (var e : picks.entrySet()) {
      total += e.getValue();
      if (which.test(e.getKey())) {
        hit += e.getValue();
      }
    }
    return total == 0 ? 0 : (double) hit / total;
  }
}
