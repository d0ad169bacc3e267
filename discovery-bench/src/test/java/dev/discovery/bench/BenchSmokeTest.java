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
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves the benchmarks compile, set up and run, and that the summary reads what JMH writes: every
 * benchmark once, in this JVM, at the smallest sizes and for a few milliseconds. Not a measurement;
 * the real run is {@code run-bench}.
 */
class BenchSmokeTest {
  private static final Bench.Mode SMOKE =
      new Bench.Mode(
          "smoke",
          0,
          0,
          TimeValue.milliseconds(1),
          1,
          TimeValue.milliseconds(10),
          TimeValue.milliseconds(1),
          TimeValue.milliseconds(50));

  @Test
  void everyBenchmarkRuns_andTheSummaryShowsItsFigures(@TempDir Path results) throws Exception {
    Map<String, String[]> small =
        Map.of(
            "endpoints", new String[] {"3"},
            "keyLength", new String[] {"16"});
    new Runner(
            Bench.jmh(SMOKE, "dev\\.discovery\\.bench\\.pick\\..*", null, small, false)
                .threads(1)
                .result(results.resolve("pick-t1.json").toString())
                .resultFormat(ResultFormatType.JSON)
                .build())
        .run();
    new Runner(
            Bench.jmh(
                    SMOKE,
                    "dev\\.discovery\\.bench\\.update\\..*",
                    null,
                    Map.of("endpoints", new String[] {"1000"}),
                    true)
                .result(results.resolve("update.json").toString())
                .resultFormat(ResultFormatType.JSON)
                .build())
        .run();
    RetainedSize.write(results.resolve("retained.json"), 1000);

    List<JmhResult> picks = JmhResult.read(results.resolve("pick-t1.json"));
    String md = Files.readString(Summary.write(results));

    assertThat(picks)
        .extracting(JmhResult::shortName)
        .contains(
            "RandomPickBenchmark.floor",
            "RandomPickBenchmark.floorGeneric",
            "RandomPickBenchmark.discoveryRandom",
            "RandomPickBenchmark.discoveryRandomBalancer",
            "RandomPickBenchmark.armeriaRoundRobin",
            "RandomPickBenchmark.storkRandom",
            "GrpcPickBenchmark.pick",
            "StickyPickBenchmark.discoverySticky",
            "StickyPickBenchmark.keyHashOnly",
            "StickyPickBenchmark.discoveryStickyStringKey",
            "StickyPickBenchmark.discoveryStickyBalancer",
            "StickyPickBenchmark.armeriaSticky",
            "StickyPickBenchmark.guavaConsistentHash",
            "StickyPickBenchmark.guavaMurmur3ConsistentHash");
    assertThat(picks).allSatisfy(r -> assertThat(r.score()).isPositive());
    assertThat(picks).allSatisfy(r -> assertThat(r.bytesPerOp()).isNotNaN());
    assertThat(md)
        .contains("## Pick without a key")
        .containsPattern("\\| 3 \\| 1 \\| [0-9.]+ ±?[0-9.]* ?ns")
        .contains("## Pick with a key")
        .contains("| 3 | 16 | 1 | ")
        .contains("one-endpoint change through a watch | sticky | 1000 |")
        .contains("build a picker (PickerFactory.newPicker) | sticky | 1000 |")
        .contains("## Retained size (JOL GraphLayout)")
        .contains("Our gRPC picker: pending");
  }
}
