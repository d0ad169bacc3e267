package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sticky contract, measured over 100,000 keys and 10 seeds at 100 and 10,000 endpoints: the
 * worst seed must stay within the bounds. The figures are printed for the record.
 */
class StickyPickerTest {
  private static final int KEYS = 100_000;
  private static final long[] SEEDS = LongStream.rangeClosed(1, 10).toArray();

  private static Picker<Endpoint> picker(List<Endpoint> endpoints) {
    return Policies.sticky().newPicker(Candidates.ofEndpoints(endpoints));
  }

  private static String[] keys(Random random) {
    String[] keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = Long.toHexString(random.nextLong()) + "-" + i;
    }
    return keys;
  }

  private static Endpoint[] assign(Picker<Endpoint> picker, String[] keys) {
    Endpoint[] out = new Endpoint[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = picker.pick(keys[i]);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} endpoints")
  @ValueSource(ints = {100, 10_000})
  void removingOneEndpoint_movesAllItsKeys_andAtMostTwoPercentOfOthers(int n) {
    double worst = 0;
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      List<Endpoint> endpoints = Endpoints.random(random, n);
      String[] keys = keys(random);
      Endpoint[] before = assign(picker(endpoints), keys);
      Endpoint removed = endpoints.get(random.nextInt(n));
      List<Endpoint> fewer = new ArrayList<>(endpoints);
      fewer.remove(removed);
      Endpoint[] after = assign(picker(fewer), keys);

      int others = 0;
      int othersMoved = 0;
      for (int i = 0; i < KEYS; i++) {
        if (before[i].equals(removed)) {
          assertThat(after[i]).isNotEqualTo(removed);
        } else {
          others++;
          if (!after[i].equals(before[i])) {
            othersMoved++;
          }
        }
      }
      worst = Math.max(worst, (double) othersMoved / others);
    }
    System.out.printf(
        "sticky n=%d remove one: worst share of other keys moved %.4f%%%n", n, worst * 100);
    assertThat(worst).isLessThanOrEqualTo(0.02);
  }

  @ParameterizedTest(name = "{0} endpoints")
  @ValueSource(ints = {100, 10_000})
  void addingOneEndpoint_movesAboutItsFairShare(int n) {
    double worst = 0;
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      List<Endpoint> more = Endpoints.random(random, n + 1);
      List<Endpoint> endpoints = more.subList(0, n);
      String[] keys = keys(random);
      Endpoint[] before = assign(picker(endpoints), keys);
      Endpoint[] after = assign(picker(more), keys);
      int moved = 0;
      for (int i = 0; i < KEYS; i++) {
        if (!after[i].equals(before[i])) {
          moved++;
        }
      }
      worst = Math.max(worst, (double) moved / KEYS);
    }
    double bound = 1.0 / (n + 1) + 0.02;
    System.out.printf(
        "sticky n=%d add one: worst share of keys moved %.4f%% (bound %.4f%%)%n",
        n, worst * 100, bound * 100);
    assertThat(worst).isLessThanOrEqualTo(bound);
  }

  /** The busiest endpoint's share of the keys over the mean share, worst of the seeds. */
  private static double busiestOverMean(int n, boolean uniformRandom) {
    double worst = 0;
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      List<Endpoint> endpoints = Endpoints.random(random, n);
      Picker<Endpoint> picker = picker(endpoints);
      int[] load = new int[n];
      Map<Endpoint, Integer> index = new HashMap<>();
      for (int i = 0; i < n; i++) {
        index.put(endpoints.get(i), i);
      }
      for (String key : keys(random)) {
        load[uniformRandom ? random.nextInt(n) : index.get(picker.pick(key))]++;
      }
      double mean = (double) KEYS / n;
      worst = Math.max(worst, java.util.Arrays.stream(load).max().orElseThrow() / mean);
    }
    return worst;
  }

  @Test
  void busiestEndpoint_holdsAtMostOneAndAQuarterTimesTheMean_at100() {
    double worst = busiestOverMean(100, false);
    System.out.printf("sticky n=100 busiest/mean: worst %.4f%n", worst);
    assertThat(worst).isLessThanOrEqualTo(1.25);
  }

  /**
   * At 10,000 endpoints the 100,000 keys are 10 per endpoint, so the busiest is mostly chance: the
   * bound is relative to the same keys thrown at endpoints uniformly at random.
   */
  @Test
  void busiestEndpoint_at10000_isWithinAQuarterOfAUniformRandomChoice() {
    double worst = busiestOverMean(10_000, false);
    double uniform = busiestOverMean(10_000, true);
    System.out.printf(
        "sticky n=10000 busiest/mean: worst %.4f (uniform random choice: %.4f)%n", worst, uniform);
    assertThat(worst).isLessThanOrEqualTo(uniform * 1.25);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void mapping_isAPureFunctionOfKeyAndEndpointSet_whateverTheOrderOrHistory(long seed) {
    Random random = new Random(seed);
    List<Endpoint> endpoints = Endpoints.random(random, 50);
    String[] keys = keys(random);
    Endpoint[] reference = assign(picker(endpoints), keys);

    List<Endpoint> shuffled = new ArrayList<>(endpoints);
    Collections.shuffle(shuffled, random);
    assertThat(assign(picker(shuffled), keys)).containsExactly(reference);

    // A history of removals and additions that ends at the same set.
    List<Endpoint> current = new ArrayList<>(shuffled);
    Picker<Endpoint> p = picker(current);
    for (int step = 0; step < 10; step++) {
      Endpoint out = current.remove(random.nextInt(current.size()));
      p = picker(current);
      current.add(random.nextInt(current.size() + 1), out);
      p = picker(current);
    }
    assertThat(assign(p, keys)).containsExactly(reference);
  }

  @Test
  void attempts_startWithTheKeysChoice_andReachOtherEndpoints() {
    List<Endpoint> endpoints = Endpoints.random(new Random(3), 5);
    Picker<Endpoint> picker = picker(endpoints);
    for (int k = 0; k < 1000; k++) {
      String key = "session-" + k;
      assertThat(picker.pick(key, 0)).isEqualTo(picker.pick(key));
      java.util.Set<Endpoint> seen = new java.util.HashSet<>();
      for (int attempt = 0; attempt < 100 && seen.size() < 2; attempt++) {
        seen.add(picker.pick(key, attempt));
      }
      assertThat(seen).as("fallbacks of " + key).hasSizeGreaterThan(1);
    }
  }

  @Test
  void aKeyAsStringOrAsOtherCharSequence_picksTheSame() {
    Picker<Endpoint> picker = picker(Endpoints.random(new Random(9), 20));
    for (int k = 0; k < 1000; k++) {
      String key = "user-" + k;
      assertThat(picker.pick(new StringBuilder(key))).isEqualTo(picker.pick(key));
    }
  }
}
