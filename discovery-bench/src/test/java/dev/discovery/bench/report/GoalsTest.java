package dev.discovery.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.bench.report.Goals.Goal;
import dev.discovery.bench.report.Goals.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoalsTest {
  private static Measurements measurements(JmhJson j) throws IOException {
    return new Measurements(JmhResult.parse(j.json(), "test"), Map.of(), null, null);
  }

  private static Goals goals(JmhJson j) throws IOException {
    return new Goals(measurements(j));
  }

  @Test
  void randomGoal_withinBoundAtEverySizeAndThreadCount_isMet() throws IOException {
    Goal g = goals(JmhJson.randomPicks(1.25, 0.0)).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MET);
    assertThat(g.measured()).contains("×1.25").contains("0 B/op");
  }

  @Test
  void randomGoal_overBoundAtOneConfiguration_isMissedNamingItsFigureAndWhere() throws IOException {
    JmhJson j = new JmhJson();
    for (int n : JmhJson.SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, 4.0, "ns/op", 0.0, "endpoints", "" + n);
        double ours = n == 10_000 && t == 2 ? 8.0 : 4.4;
        j.add("RandomPickBenchmark.discoveryRandom", t, ours, "ns/op", 0.0, "endpoints", "" + n);
        j.add("RandomPickBenchmark.floorGeneric", t, 7.0, "ns/op", 0.0, "endpoints", "" + n);
      }
    }

    Goal g = goals(j).randomGoal();

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
    Goal g = goals(JmhJson.randomPicks(1.1, 24.0)).randomGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("allocates 24 B/op");
  }

  @Test
  void randomGoal_withoutTwoThreadRun_isNotMeasuredRatherThanMet() throws IOException {
    JmhJson j = new JmhJson();
    for (int n : JmhJson.SIZES) {
      j.add("RandomPickBenchmark.floor", 1, 4.0, "ns/op", 0.0, "endpoints", "" + n);
      j.add("RandomPickBenchmark.discoveryRandom", 1, 4.0, "ns/op", 0.0, "endpoints", "" + n);
    }

    Goal g = goals(j).randomGoal();

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
    Goal g = goals(stickyAt10k(12, 40, 30, 0)).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MET);
    assertThat(g.measured()).contains("Armeria ×3.33").contains("Guava ×2.50");
  }

  @Test
  void stickyGoal_slowerThan20ns_isMissedWithTheKeyHashShare() throws IOException {
    Goal g = goals(stickyAt10k(25, 100, 100, 0)).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("25.0 ±2.50 ns > 20 ns").contains("hashing the key alone: 6.00");
  }

  @Test
  void stickyGoal_missedOnASlowerMachine_putsTheBoundInScaleOfTheFloor() throws IOException {
    JmhJson j = stickyAt10k(25, 100, 100, 0);
    j.add("RandomPickBenchmark.floor", 1, 6.8, "ns/op", 0.0, "endpoints", "10000");

    Goal g = goals(j).stickyGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why())
        .contains("this run's floor is 6.80 ns (1 thread, mean over 1 sizes) against the 3.40 ns")
        .contains("×2.0 slower")
        .contains("at that ratio 20 ns is about 40.0 ns here");
  }

  @Test
  void stickyGoal_lessThanTwiceGuava_isMissed() throws IOException {
    Goal g = goals(stickyAt10k(15, 60, 20, 0)).stickyGoal();

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

    Goals s = goals(j);

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

    Goal g = goals(j).buildGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).startsWith("random: 25.0").doesNotContain("sticky:");
  }

  @Test
  void metGoals_withTheBoundInsideTheirIntervals_sayTheyAreNotConclusive() throws IOException {
    JmhJson j = build(JmhJson.randomPicks(1.4, 0.0), "sticky", 19, "ms/op");

    Goals s = goals(j);

    assertThat(s.buildGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.buildGoal().why())
        .isEqualTo("sticky within the bound but not conclusively: 20 ms lies inside its 99.9% CI");
    assertThat(s.randomGoal().verdict()).isEqualTo(Verdict.MET);
    assertThat(s.randomGoal().why())
        .startsWith("within the bound but not conclusively at ×1.40 at 3 endpoints, 1 thread");
    assertThat(new Summary(measurements(j)).render())
        .contains("| met (within the bound but not conclusively at ×1.40");
    assertThat(goals(JmhJson.randomPicks(1.1, 0.0)).randomGoal().why()).isEmpty();
  }

  @Test
  void timeGoal_boundInsideConfidenceInterval_isFlaggedInconclusive() throws IOException {
    JmhJson j = build(new JmhJson(), "sticky", 21, "ms/op");

    Goal g = goals(j).buildGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("inconclusive");
  }

  @Test
  void units_areConvertedToNanosecondsBeforeComparing() throws IOException {
    JmhJson j = build(new JmhJson(), "sticky", 19_000, "us/op");

    assertThat(goals(j).buildGoal().verdict()).isEqualTo(Verdict.MET);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 1234})
  void ratios_matchTheScoresTheyComeFrom(long seed) throws IOException {
    Random random = new Random(seed);
    double floor = 1 + random.nextDouble() * 10;
    double ours = floor * (0.5 + random.nextDouble() * 3);
    JmhJson j = new JmhJson();
    for (int n : JmhJson.SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, floor, "ns/op", 0.0, "endpoints", "" + n);
        j.add("RandomPickBenchmark.discoveryRandom", t, ours, "ns/op", 0.0, "endpoints", "" + n);
      }
    }

    Goal g = goals(j).randomGoal();

    assertThat(g.verdict()).isEqualTo(ours / floor <= 1.5 ? Verdict.MET : Verdict.MISSED);
    assertThat(g.measured()).contains(Format.ratio(ours / floor));
  }

  @Test
  void load_emptyDirectory_reportsEveryGoalNotMeasured(@TempDir Path dir) throws IOException {
    List<Goal> goals = new Goals(Measurements.load(dir)).all();

    assertThat(goals).hasSize(7).allMatch(g -> g.verdict() == Verdict.NOT_MEASURED);
  }
}
