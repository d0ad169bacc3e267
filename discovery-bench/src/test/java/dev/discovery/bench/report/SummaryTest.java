package dev.discovery.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.bench.report.Summary.Goal;
import dev.discovery.bench.report.Summary.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SummaryTest {
  private static final int[] SIZES = {3, 100, 10_000};

  /** Floor and our random at every size and thread count; ours = floor x factor(n, t). */
  private static JmhJson randomPicks(double ratio, double oursBytes) {
    JmhJson j = new JmhJson();
    for (int n : SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, 4.0, "ns/op", 0.0, "endpoints", "" + n);
        j.add(
            "RandomPickBenchmark.discoveryRandom",
            t,
            4.0 * ratio,
            "ns/op",
            oursBytes,
            "endpoints",
            "" + n);
      }
    }
    return j;
  }

  private static Summary summary(JmhJson j) throws IOException {
    return new Summary(JmhResult.parse(j.json(), "test"), Map.of(), null, null);
  }

  @Test
  void randomGoal_withinBoundAtEverySizeAndThreadCount_isMet() throws IOException {
    Goal g = summary(randomPicks(1.25, 0.0)).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MET);
    assertThat(g.measured()).contains("×1.25").contains("0 B/op");
  }

  @Test
  void randomGoal_overBoundAtOneConfiguration_isMissedNamingItsFigureAndWhere() throws IOException {
    JmhJson j = new JmhJson();
    for (int n : SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, 4.0, "ns/op", 0.0, "endpoints", "" + n);
        double ours = n == 10_000 && t == 2 ? 8.0 : 4.4;
        j.add("RandomPickBenchmark.discoveryRandom", t, ours, "ns/op", 0.0, "endpoints", "" + n);
        j.add("RandomPickBenchmark.floorGeneric", t, 7.0, "ns/op", 0.0, "endpoints", "" + n);
      }
    }

    Goal g = summary(j).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why())
        .contains("×2.00 at 10000 endpoints, 2 threads")
        .contains("8.00")
        .contains("the generic floor (Object[] + cast) is 7.00 ±0.700 ns, ours ÷ it ×1.14")
        .contains("a cache miss");
    assertThat(g.measured())
        .contains("1 thread: ×1.10, ×1.10, ×1.10; 2 threads: ×1.10, ×1.10, ×2.00");
  }

  @Test
  void randomGoal_allocatingPick_isMissedWithBytesPerOp() throws IOException {
    Goal g = summary(randomPicks(1.1, 24.0)).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("allocates 24 B/op");
  }

  @Test
  void randomGoal_withoutTwoThreadRun_isNotMeasuredRatherThanMet() throws IOException {
    JmhJson j = new JmhJson();
    for (int n : SIZES) {
      j.add("RandomPickBenchmark.floor", 1, 4.0, "ns/op", 0.0, "endpoints", "" + n);
      j.add("RandomPickBenchmark.discoveryRandom", 1, 4.0, "ns/op", 0.0, "endpoints", "" + n);
    }

    Goal g = summary(j).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.NOT_MEASURED);
    assertThat(g.why()).contains("3 endpoints, 2 threads");
  }

  private static JmhJson stickyAt10k(double ours, double armeria, double guava, double bytes) {
    JmhJson j = new JmhJson();
    for (int t : new int[] {1, 2}) {
      String[] kv = {"endpoints", "10000", "keyLength", "16"};
      j.add("StickyPickBenchmark.discoverySticky", t, ours, "ns/op", bytes, kv);
      j.add("StickyPickBenchmark.armeriaSticky", t, armeria, "ns/op", 0.0, kv);
      j.add("StickyPickBenchmark.guavaConsistentHash", t, guava, "ns/op", 0.0, kv);
      j.add("StickyPickBenchmark.keyHashOnly", t, 6.0, "ns/op", 0.0, "keyLength", "16");
    }
    return j;
  }

  @Test
  void stickyGoal_fastAndTwiceThePeers_isMet() throws IOException {
    Goal g = summary(stickyAt10k(12, 40, 30, 0)).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MET);
    assertThat(g.measured()).contains("Armeria ×3.33").contains("Guava ×2.50");
  }

  @Test
  void stickyGoal_slowerThan20ns_isMissedWithTheKeyHashShare() throws IOException {
    Goal g = summary(stickyAt10k(25, 100, 100, 0)).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("25.0 ±2.50 ns > 20 ns").contains("hashing the key alone: 6.00");
  }

  @Test
  void stickyGoal_missedOnASlowerMachine_putsTheBoundInScaleOfTheFloor() throws IOException {
    JmhJson j = stickyAt10k(25, 100, 100, 0);
    j.add("RandomPickBenchmark.floor", 1, 6.8, "ns/op", 0.0, "endpoints", "10000");

    Goal g = summary(j).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why())
        .contains("this run's floor is 6.80 ns (1 thread, mean over 1 sizes) against the 3.40 ns")
        .contains("×2.0 slower")
        .contains("at that ratio 20 ns is about 40.0 ns here");
  }

  @Test
  void stickyGoal_lessThanTwiceGuava_isMissed() throws IOException {
    Goal g = summary(stickyAt10k(15, 60, 20, 0)).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("only ×1.33 Guava's consistent hash");
  }

  @Test
  void changeGoal_missed_namesThePolicyAndThePickerBuild() throws IOException {
    JmhJson j = new JmhJson();
    String[] sticky = {"policy", "sticky", "endpoints", "10000"};
    String[] random = {"policy", "random", "endpoints", "10000"};
    j.add("UpdateBenchmark.applyChange", 1, 30, "ms/op", 4.0e6, sticky);
    j.add("UpdateBenchmark.applyChange", 1, 2, "ms/op", 2.0e6, random);
    j.add("UpdateBenchmark.buildPicker", 1, 14, "ms/op", 2.1e6, sticky);
    j.add("UpdateBenchmark.buildPicker", 1, 0.05, "ms/op", 4.0e4, random);

    Summary s = summary(j);

    assertThat(s.buildGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.buildGoal().measured())
        .contains("sticky 14.0 ±1.40 ms, 2.10 MB garbage")
        .contains("random 0.050 ±0.005 ms");
    Goal change = s.changeGoal();
    assertThat(change.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(change.measured()).contains("random 2.00 ±0.200 ms").contains("sticky 30.0");
    assertThat(change.why())
        .contains("sticky: 30.0 ±3.00 ms > 20 ms")
        .contains("building the picker alone: 14.0")
        .doesNotContain("random:");
  }

  /** A picker build for {@code policy} at 10,000 endpoints taking {@code time} {@code unit}. */
  private static JmhJson build(JmhJson j, String policy, double time, String unit) {
    return j.add(
        "UpdateBenchmark.buildPicker", 1, time, unit, 1.0, "policy", policy, "endpoints", "10000");
  }

  @Test
  void buildGoal_eitherPolicyOverTheBound_isMissedNamingIt() throws IOException {
    JmhJson j = new JmhJson();
    build(j, "sticky", 9, "ms/op");
    build(j, "random", 25, "ms/op");

    Goal g = summary(j).buildGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).startsWith("random: 25.0").doesNotContain("sticky:");
  }

  @Test
  void metGoals_withTheBoundInsideTheirIntervals_sayTheyAreNotConclusive() throws IOException {
    JmhJson j = build(randomPicks(1.4, 0.0), "sticky", 19, "ms/op");

    Summary s = summary(j);

    assertThat(s.buildGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.buildGoal().why())
        .isEqualTo("sticky within the bound but not conclusively: 20 ms lies inside its 99.9% CI");
    assertThat(s.randomGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.randomGoal().why())
        .startsWith("within the bound but not conclusively at ×1.40 at 3 endpoints, 1 thread");
    assertThat(s.render()).contains("| met (within the bound but not conclusively at ×1.40");
    assertThat(summary(randomPicks(1.1, 0.0)).randomGoal().why()).isEmpty();
  }

  @Test
  void timeGoal_boundInsideConfidenceInterval_isFlaggedInconclusive() throws IOException {
    JmhJson j = build(new JmhJson(), "sticky", 21, "ms/op");

    Goal g = summary(j).buildGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("inconclusive");
  }

  @Test
  void units_areConvertedToNanosecondsBeforeComparing() throws IOException {
    JmhJson j = build(new JmhJson(), "sticky", 19_000, "us/op");

    assertThat(summary(j).buildGoal().verdict()).isEqualTo(Verdict.MET);
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

    Summary s = Summary.load(dir);

    assertThat(s.retainedGoal().verdict()).isEqualTo(Verdict.MISSED);
    assertThat(s.retainedGoal().measured()).contains("random 0.040 MB (40016 B)");
    assertThat(s.retainedGoal().why()).contains("sticky: 2.50 MB > 2 MB").contains("char[]");
    assertThat(s.footprintGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.footprintGoal().measured()).contains("1.23 MB (1234567 B, 1 jars)");
    assertThat(s.render())
        .contains("| dnsjava:dnsjava:3.6.5 | 1234567 | 1234.6 | discovery-k8s |")
        .contains("Not counted (grpc-api and what it brings): io.grpc:grpc-api:1.")
        .contains("not counted (users do not get them): x:y:1 (optional in discovery-k8s).");
  }

  @Test
  void render_ratiosArePeerOverOursFromTheSameRun() throws IOException {
    JmhJson j = randomPicks(1.0, 0.0);
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

    String md = new Summary(List.of(), run, null, null).render();

    assertThat(md)
        .contains("Some CPU, 2 CPUs")
        .contains("pick, 1 thread 2.50/1.00/0.50; end 1.90/1.80/1.20")
        .contains("Other processes were busy at the start");
    assertThat(
            new Summary(
                    List.of(),
                    Map.of(
                        "mode",
                        "full",
                        "load",
                        List.of(Map.of("before", "pick", "load", List.of(0.2, 0.3, 0.4)))),
                    null,
                    null)
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
    assertThat(Summary.nanos(r)).isEqualTo("5.00 ns");
  }

  @Test
  void parse_notAnArray_namesTheFileAndWhatWasExpected() {
    assertThatThrownBy(() -> JmhResult.parse("{}", "results/x.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "JMH results: results/x.json (expected: a JSON array, as JMH's -rf json writes)");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 1234})
  void ratios_matchTheScoresTheyComeFrom(long seed) throws IOException {
    Random random = new Random(seed);
    double floor = 1 + random.nextDouble() * 10;
    double ours = floor * (0.5 + random.nextDouble() * 3);
    JmhJson j = new JmhJson();
    for (int n : SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, floor, "ns/op", 0.0, "endpoints", "" + n);
        j.add("RandomPickBenchmark.discoveryRandom", t, ours, "ns/op", 0.0, "endpoints", "" + n);
      }
    }

    Goal g = summary(j).randomGoal();

    assertThat(g.verdict()).isEqualTo(ours / floor <= 1.5 ? Verdict.MET : Verdict.MISSED);
    assertThat(g.measured()).contains(Summary.ratio(ours / floor));
  }

  @Test
  void load_emptyDirectory_reportsEveryGoalNotMeasured(@TempDir Path dir) throws IOException {
    List<Goal> goals = Summary.load(dir).goals();

    assertThat(goals).hasSize(6).allMatch(g -> g.verdict() == Verdict.NOT_MEASURED);
  }
}
