package dev.discovery.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.bench.report.Goals.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryTest {
  private static Summary summary(JmhJson j) throws IOException {
    return new Summary(new Measurements(JmhResult.parse(j.json(), "test"), Map.of(), null, null));
  }

  @Test
  void retainedAndFootprintGoals_readTheirJsonFiles(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("retained.json"),
        "[{\"policy\":\"sticky\",\"endpoints\":10000,"
            + "\"endpointObjectsBytes\":1500000,\"pickerBytes\":2500000,"
            + "\"pickerWithCandidatesBytes\":3000000,\"pickerBeyondEndpointsByClass\":{\"char[]\":2400000}},"
            + "{\"policy\":\"random\",\"endpoints\":10000,"
            + "\"endpointObjectsBytes\":1500000,\"pickerBytes\":40016,"
            + "\"pickerWithCandidatesBytes\":200000,\"pickerBeyondEndpointsByClass\":{}}]");
    Files.writeString(
        dir.resolve("footprint.json"),
        "{\"totalBytes\":1234567,\"excluded\":[\"io.grpc:grpc-api:1\"],"
            + "\"optionalNotCounted\":[\"x:y:1 (optional in discovery-k8s)\"],"
            + "\"jars\":[{\"artifact\":\"dnsjava:dnsjava:3.6.5\",\"bytes\":1234567,\"via\":\"discovery-k8s\"}]}");

    Goals s = new Goals(Measurements.load(dir));

    assertThat(s.retainedGoal().verdict()).isEqualTo(Verdict.MISSED);
    assertThat(s.retainedGoal().measured()).contains("random 0.040 MB (40016 B)");
    assertThat(s.retainedGoal().why()).contains("sticky: 2.50 MB > 2 MB").contains("char[]");
    assertThat(s.footprintGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.footprintGoal().measured()).contains("1.23 MB (1234567 B, 1 jars)");
    assertThat(Summary.load(dir).render())
        .contains("| dnsjava:dnsjava:3.6.5 | 1234567 | 1234.6 | discovery-k8s |")
        .contains("Not counted (grpc-api and what it brings): io.grpc:grpc-api:1.")
        .contains("not counted (users do not get them): x:y:1 (optional in discovery-k8s).");
  }

  @Test
  void render_ratiosArePeerOverOursFromTheSameRun() throws IOException {
    JmhJson j = JmhJson.randomPicks(1.0, 0.0);
    j.add("RandomPickBenchmark.storkRandom", 1, 40.0, "ns/op", 40_040.0, "endpoints", "3");
    j.add(
        "GrpcPickBenchmark.pick", 1, 6.0, "ns/op", 0.0, "endpoints", "3", "policy", "round_robin");

    String md = summary(j).render();

    assertThat(md)
        .contains("| 3 | 1 | 4.00 ±0.400 ns · 0 B | - | 4.00 ±0.400 ns · 0 B | ×1.00 | - |");
    assertThat(md).contains("40.0 ±4.00 ns · 0.040 MB · ×10");
    assertThat(md).contains("6.00 ±0.600 ns · 0 B · ×1.50");
  }

  @Test
  void render_grpc_putsOurPolicyBesideRoundRobin_andStickyBesideDecodePlusJavaApi()
      throws IOException {
    JmhJson j = new JmhJson();
    j.add(
        "GrpcPickBenchmark.pick",
        2,
        30.0,
        "ns/op",
        0.0,
        "endpoints",
        "100",
        "policy",
        "round_robin");
    j.add("GrpcPickBenchmark.pick", 2, 10.0, "ns/op", 0.0, "endpoints", "100", "policy", "random");
    String[] kv = {"endpoints", "100", "keyLength", "16"};
    j.add("GrpcStickyPickBenchmark.sticky", 1, 90.0, "ns/op", 56.0, kv);
    j.add("GrpcStickyPickBenchmark.headerDecodeOnly", 1, 20.0, "ns/op", 56.0, "keyLength", "16");
    j.add("StickyPickBenchmark.discoveryStickyStringKey", 1, 25.0, "ns/op", 0.0, kv);

    String md = summary(j).render();

    assertThat(md)
        .contains("| 100 | 2 | 10.0 ±1.00 ns · 0 B | 30.0 ±3.00 ns · 0 B · ×3.00 | - |")
        .contains(
            "| 100 | 16 | 1 | 90.0 ±9.00 ns · 56 B | 20.0 ±2.00 ns · 56 B | 25.0 ±2.50 ns · 0 B"
                + " | 45.0 ns | ×2.00 |");
  }

  @Test
  void render_resolve_derivesQueriesAndBytesPerLookupFromTheCounters() throws IOException {
    JmhJson j = new JmhJson();
    j.add(
        "ResolveBenchmark.lookup",
        1,
        250.0,
        "ops/s",
        2_000_000.0,
        Map.of("udpQueries", 500.0, "tcpQueries", 250.0, "serverBytes", 150_000_000.0),
        "service",
        "headless-1000",
        "port",
        "number");
    j.add(
        "ResolveBenchmark.lookup",
        1,
        2000.0,
        "ops/s",
        40_000.0,
        Map.of("udpQueries", 6000.0, "tcpQueries", 0.0, "serverBytes", 30_000_000.0),
        "service",
        "clusterip",
        "port",
        "number");

    String md = summary(j).render();

    assertThat(md)
        .contains("## Resolve")
        .contains(
            "| headless-1000 | number | 1000 | 250 ±25.0 | 4.00 | 2.0 UDP + 1.0 TCP | 2.00 MB"
                + " | 0.600 MB | 1.40 MB |")
        .contains(
            "| clusterip | number | 1 (the ClusterIP) | 2000 ±200 | 0.500 | 3.0 UDP + 0.0 TCP");
    assertThat(md.indexOf("| clusterip |")).isLessThan(md.indexOf("| headless-1000 |"));
  }

  @Test
  void render_run_showsMachineLoadAndFlagsABusyStart() throws IOException {
    Map<String, Object> run =
        Map.of(
            "command", "discovery-bench/run-bench full",
            "mode", "full",
            "cpu", "Some CPU",
            "cpus", 2,
            "load",
                List.of(
                    Map.of("before", "pick, 1 thread", "load", List.of(2.5, 1.0, 0.5)),
                    Map.of("before", "end", "load", List.of(1.9, 1.8, 1.2))));

    String md = new Summary(new Measurements(List.of(), run, null, null)).render();

    assertThat(md)
        .contains("Some CPU, 2 CPUs")
        .contains("pick, 1 thread 2.50/1.00/0.50; end 1.90/1.80/1.20")
        .contains("Other processes were busy at the start");
    assertThat(
            new Summary(
                    new Measurements(
                        List.of(),
                        Map.of(
                            "mode",
                            "full",
                            "load",
                            List.of(Map.of("before", "pick", "load", List.of(0.2, 0.3, 0.4)))),
                        null,
                        null))
                .render())
        .doesNotContain("were busy");
  }

  @Test
  void parse_readsNaNErrorsAndCountsSamples() throws IOException {
    String json =
        "[{\"benchmark\":\"a.B.c\",\"threads\":1,\"forks\":1,\"params\":{},\"primaryMetric\":"
            + "{\"score\":5.0,\"scoreError\":\"NaN\",\"scoreConfidence\":[\"NaN\",\"NaN\"],"
            + "\"scoreUnit\":\"ns/op\",\"rawData\":[[5.0]]}}]";

    JmhResult r = JmhResult.parse(json, "t").get(0);

    assertThat(r.shortName()).isEqualTo("B.c");
    assertThat(r.error()).isNaN();
    assertThat(r.samples()).isEqualTo(1);
    assertThat(r.bytesPerOp()).isNaN();
    assertThat(Format.nanos(r)).isEqualTo("5.00 ns");
  }

  @Test
  void parse_notAnArray_namesTheFileAndWhatWasExpected() {
    assertThatThrownBy(() -> JmhResult.parse("{}", "results/x.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "JMH results: results/x.json (expected: a JSON array, as JMH's -rf json writes)");
  }
}
