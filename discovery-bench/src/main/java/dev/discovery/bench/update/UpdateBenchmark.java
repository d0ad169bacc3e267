package dev.discovery.bench.update;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.bench.Fixtures;
import dev.discovery.bench.Key;
import dev.discovery.bench.WatchFixture;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of a change: building a picker for a set of endpoints, and applying a one-endpoint
 * change through a watch (the path a resolver's answer takes: compare with the last snapshot,
 * publish it, rebuild the balancer's picker and swap it in). Time and, with {@code -prof gc},
 * garbage per update. Single-threaded: updates run on a watch's serialized context.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
public class UpdateBenchmark {

  @State(Scope.Benchmark)
  public static class Build {
    @Param({"random", "sticky"})
    public String policy;

    @Param({"10000"})
    public int endpoints;

    Policy factory;
    Candidates<Endpoint> candidates;

    @Setup
    public void setUp() {
      factory = Policies.byName(policy);
      candidates = Candidates.ofEndpoints(Fixtures.endpoints(endpoints));
    }
  }

  /**
   * A watch with one balancer of {@code policy}, alternating between all endpoints and all but one
   * (the middle one): every publish is a one-endpoint change, a removal or an addition.
   */
  @State(Scope.Benchmark)
  public static class Change {
    @Param({"random", "sticky"})
    public String policy;

    @Param({"10000"})
    public int endpoints;

    WatchFixture watch;
    Balancer balancer;
    EndpointSet all;
    EndpointSet allButOne;
    boolean showingAll = true;
    private Endpoint removed;
    private List<Key> probes;

    @Setup
    public void setUp() {
      List<Endpoint> list = Fixtures.endpoints(endpoints);
      removed = list.get(list.size() / 2);
      List<Endpoint> fewer = new ArrayList<>(list);
      fewer.remove(removed);
      all = WatchFixture.snapshot(list);
      allButOne = WatchFixture.snapshot(fewer);
      watch = WatchFixture.of(list);
      balancer = watch.balancer(Policies.byName(policy));
      probes = List.of(Key.set(16, 1));
      // The path really swaps pickers: check both directions once.
      apply();
      check(endpoints - 1);
      apply();
      check(endpoints);
    }

    EndpointSet next() {
      EndpointSet set = showingAll ? allButOne : all;
      showingAll = !showingAll;
      return set;
    }

    void apply() {
      watch.publish(next());
    }

    private void check(int expected) {
      int size = watch.watch().current().orElseThrow().size();
      if (size != expected) {
        throw new IllegalStateException(
            "watch shows " + size + " endpoints (expected: " + expected + ")");
      }
      if (expected < endpoints) {
        for (Key k : probes) {
          if (balancer.pick(k).equals(removed)) {
            throw new IllegalStateException("the balancer still picks the removed " + removed);
          }
        }
      }
    }

    @TearDown
    public void tearDown() {
      watch.close();
    }
  }

  @Benchmark
  public Picker<Endpoint> buildPicker(Build s) {
    return s.factory.newPicker(s.candidates);
  }

  @Benchmark
  public Endpoint applyChange(Change s) {
    s.apply();
    return s.balancer.pick();
  }
}
