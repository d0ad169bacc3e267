package dev.discovery.bench.pick;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.bench.WatchFixture;
import dev.discovery.micrometer.DiscoveryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * What observability costs a pick: a watch's random and sticky balancers with picks counted per
 * endpoint and a {@link DiscoveryMetrics} bound to a registry ({@code metrics=on}), against the
 * same without ({@code off}, the default). Both should allocate nothing per pick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsPickBenchmark {

  @State(Scope.Benchmark)
  public static class Watch {
    @Param({"off", "on"})
    public String metrics;

    WatchFixture watch;
    Balancer random;
    Balancer sticky;

    @Setup
    public void setUp(EndpointList e) {
      boolean on = metrics.equals("on");
      watch = WatchFixture.of(e.list, on ? b -> b.countPicks(true) : UnaryOperator.identity());
      if (on) {
        new DiscoveryMetrics(watch.discovery()).bindTo(new SimpleMeterRegistry());
      }
      random = watch.balancer(Policies.random());
      sticky = watch.balancer(Policies.sticky());
    }

    @TearDown
    public void tearDown() {
      watch.close();
    }
  }

  @Benchmark
  public Endpoint random(Watch s) {
    return s.random.pick();
  }

  @Benchmark
  public Endpoint sticky(Watch s, KeySet k, KeyCursor c) {
    return s.sticky.pick(k.keys[c.advance()]);
  }
}
