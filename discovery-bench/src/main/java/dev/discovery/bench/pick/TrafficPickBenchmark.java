package dev.discovery.bench.pick;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.OutlierEjection;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.api.SlowStart;
import dev.discovery.api.ZoneAware;
import dev.discovery.bench.Fixtures;
import dev.discovery.bench.WatchFixture;
import java.time.Duration;
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

/**
 * A pick without a key through the Java API ({@code watch.balancer(policy).pick()}) under the
 * traffic-aware policies, to compare with plain {@code random} in the same run: least_request,
 * random with outlier ejection (nobody ejected), random with slow start (one endpoint of {@link
 * #endpoints} + 1 warming, so picks take the weighted path), zone-aware random (three zones, the
 * caller in one), and all of them over least_request. {@link #call} is the feedback path: {@code
 * start()} then {@code succeeded()}, which records the call (and allocates its holder).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TrafficPickBenchmark {

  @Param({"random", "least_request", "random+ejection", "random+slowStart", "zone(random)", "full"})
  public String policy;

  @Param({"100"})
  public int endpoints;

  private WatchFixture watch;
  private Balancer balancer;

  static Policy policy(String name) {
    OutlierEjection ejection = OutlierEjection.defaults();
    SlowStart slow = SlowStart.of(Duration.ofHours(1));
    ZoneAware zone = ZoneAware.inZone("a");
    return switch (name) {
      case "random" -> Policies.random();
      case "least_request" -> Policies.leastRequest();
      case "random+ejection" -> Policies.withOutlierEjection(Policies.random(), ejection);
      case "random+slowStart" -> Policies.withSlowStart(Policies.random(), slow);
      case "zone(random)" -> Policies.withZoneAware(Policies.random(), zone);
      case "full" ->
          Policies.withSlowStart(
              Policies.withOutlierEjection(
                  Policies.withZoneAware(Policies.leastRequest(), zone), ejection),
              slow);
      default -> throw new IllegalArgumentException("policy: " + name);
    };
  }

  @Setup
  public void setUp() {
    List<Endpoint> zoned = new ArrayList<>();
    List<Endpoint> list = Fixtures.endpoints(endpoints);
    for (int i = 0; i < list.size(); i++) {
      zoned.add(list.get(i).toBuilder().zone(String.valueOf((char) ('a' + i % 3))).build());
    }
    watch = WatchFixture.of(zoned);
    balancer = watch.balancer(policy(policy));
    // One endpoint more, in the caller's zone: it warms for an hour under slow start.
    List<Endpoint> more = new ArrayList<>(zoned);
    more.add(Fixtures.endpoints(endpoints + 1).get(endpoints).toBuilder().zone("a").build());
    watch.publish(WatchFixture.snapshot(more));
  }

  @TearDown
  public void tearDown() {
    watch.close();
  }

  @Benchmark
  public Endpoint pick() {
    return balancer.pick();
  }

  @Benchmark
  public Endpoint call() {
    try (Balancer.Call call = balancer.start()) {
      call.succeeded();
      return call.endpoint();
    }
  }
}
