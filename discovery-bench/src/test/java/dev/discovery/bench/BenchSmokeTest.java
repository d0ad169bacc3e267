package dev.discovery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.bench.report.JmhResult;
import dev.discovery.bench.report.Summary;
import dev.discovery.bench.update.RetainedSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves the benchmarks compile, set up and run, and that the summary reads what JMH writes: every
 * benchmark once, in this JVM, at the smallest sizes and for a few milliseconds. Not a measurement;
 * the real run is {@code run-bench}.
 */
class BenchSmokeTest {
  private static final Bench.Phase ONCE =
      new Bench.Phase(0, TimeValue.milliseconds(1), 1, TimeValue.milliseconds(10));
  private static final Bench.Phase ONCE_LONGER =
      new Bench.Phase(0, TimeValue.milliseconds(1), 1, TimeValue.milliseconds(50));
  private static final Bench.Mode SMOKE =
      new Bench.Mode("smoke", 0, ONCE, ONCE_LONGER, ONCE_LONGER);

  private static void run(Bench.Scope scope, Map<String, String[]> params, Path out)
      throws Exception {
    Bench.runJmh(Bench.jmh(SMOKE, scope, null, params).threads(1), out);
  }

  @Test
  void everyBenchmarkRuns_andTheSummaryShowsItsFigures(@TempDir Path results) throws Exception {
    run(
        Bench.Scope.PICK,
        Map.of("endpoints", new String[] {"3"}, "keyLength", new String[] {"16"}),
        results.resolve("pick-t1.json"));
    run(
        Bench.Scope.UPDATE,
        Map.of("endpoints", new String[] {"1000"}),
        results.resolve("update.json"));
    // A 100-pod headless Service by port name: SRV and both transports.
    run(
        Bench.Scope.RESOLVE,
        Map.of("service", new String[] {"headless-100"}, "port", new String[] {"name"}),
        results.resolve("resolve.json"));
    RetainedSize.write(results.resolve("retained.json"), 1000);

    List<JmhResult> picks = JmhResult.read(results.resolve("pick-t1.json"));
    List<JmhResult> lookups = JmhResult.read(results.resolve("resolve.json"));
    String md = Files.readString(Summary.write(results));

    assertThat(picks)
        .extracting(r -> r.shortName() + (r.param("policy") == null ? "" : ":" + r.param("policy")))
        .contains(
            "RandomPickBenchmark.floor",
            "RandomPickBenchmark.floorGeneric",
            "RandomPickBenchmark.discoveryRandom",
            "RandomPickBenchmark.discoveryRandomBalancer",
            "RandomPickBenchmark.armeriaRoundRobin",
            "RandomPickBenchmark.storkRandom",
            "GrpcPickBenchmark.pick:round_robin",
            "GrpcPickBenchmark.pick:random",
            "GrpcStickyPickBenchmark.sticky",
            "GrpcStickyPickBenchmark.headerDecodeOnly",
            "StickyPickBenchmark.discoverySticky",
            "StickyPickBenchmark.keyHashOnly",
            "StickyPickBenchmark.discoveryStickyStringKey",
            "StickyPickBenchmark.discoveryStickyBalancer",
            "StickyPickBenchmark.armeriaSticky",
            "StickyPickBenchmark.guavaConsistentHash",
            "StickyPickBenchmark.guavaMurmur3ConsistentHash");
    assertThat(picks).allSatisfy(r -> assertThat(r.score()).isPositive());
    assertThat(picks).allSatisfy(r -> assertThat(r.bytesPerOp()).isNotNaN());
    assertThat(lookups).singleElement().satisfies(r -> assertThat(r.score()).isPositive());
    JmhResult lookup = lookups.get(0);
    // Over a run this short the ratios are rough; what matters is that both transports show.
    assertThat(lookup.secondary("udpQueries")).isPositive();
    assertThat(lookup.secondary("tcpQueries")).isPositive();
    assertThat(lookup.secondary("serverBytes")).isPositive();
    assertThat(md)
        .contains("## Pick without a key")
        .containsPattern("\\| 3 \\| 1 \\| [0-9.]+ ±?[0-9.]* ?ns")
        .contains("## Pick with a key")
        .contains("| 3 | 16 | 1 | ")
        .contains("## gRPC: our load balancer's picker beside round_robin")
        // A 10 ms iteration in a busy JVM may count start-up allocations: the smoke run checks that
        // the figure is shown, not its value (GrpcPickAllocationTest and the full bench check 0 B).
        .containsPattern("\\| 3 \\| 1 \\| [0-9.]+ ±?[0-9.]* ?ns · [0-9.]+ M?B \\| [0-9.]+")
        .contains("## gRPC: our sticky policy, the key in a request header")
        .contains("one-endpoint change through a watch | sticky | 1000 |")
        .contains("build a picker (Policy.newPicker) | sticky | 1000 |")
        .contains("## Retained size (JOL GraphLayout)")
        .contains("## Resolve: lookups against the testkit's DNS server")
        .contains("| headless-100 | name | 100 | ");
  }

  @Test
  void fullMode_isEstimatedUnder45Minutes_withThreeForks() {
    Bench.Mode full = Bench.Mode.named("full");

    double seconds = Bench.estimateSeconds(full, null, Map.of());

    assertThat(full.forks()).isGreaterThanOrEqualTo(3);
    assertThat(seconds / 60).isBetween(20.0, 45.0);
    assertThat(Bench.estimateSeconds(full, "ResolveBenchmark", Map.of()))
        .as("6 lookups (3 Services x 2 port forms), 3 forks")
        .isEqualTo(6 * 3 * (full.resolve().seconds() + Bench.Scope.RESOLVE.forkOverhead));
  }
}
