package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.spi.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {

  /** A random source that answers the given doubles, in order, and nothing else. */
  private static RandomGenerator doubles(Double... values) {
    Queue<Double> next = new ArrayDeque<>(List.of(values));
    return new RandomGenerator() {
      @Override
      public double nextDouble() {
        Double d = next.poll();
        if (d == null) {
          throw new AssertionError("more random doubles drawn than the test gave");
        }
        return d;
      }

      @Override
      public long nextLong() {
        throw new AssertionError("only nextDouble() is expected");
      }
    };
  }

  @Test
  void jitter_comesFromTheInjectedSource_soDelaysAreExact() {
    Backoff b = Backoff.defaults(); // 1 s doubling to 30 s, +/- 50 %
    RandomGenerator random = doubles(0.0, 0.5, 0.75, 0.25, 0.999);

    assertThat(b.delayAfter(1, random)).isEqualTo(Duration.ofMillis(500)); // 1000 x 0.5
    assertThat(b.delayAfter(1, random)).isEqualTo(Duration.ofMillis(1000)); // x 1.0
    assertThat(b.delayAfter(2, random)).isEqualTo(Duration.ofMillis(2500)); // 2000 x 1.25
    assertThat(b.delayAfter(6, random)).isEqualTo(Duration.ofMillis(22_500)); // 30000 x 0.75
    assertThat(b.delayAfter(40, random)).isEqualTo(Duration.ofMillis(44_970)); // 30000 x 1.499
  }

  /** Over seeded random sources: every delay lies within its jitter of the nominal wait. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 2024})
  void delays_growExponentially_withinTheirJitter_upToTheCap(long seed) {
    Backoff b = Backoff.defaults();
    Random random = new Random(seed);
    for (int n = 1; n <= 12; n++) {
      double nominal = Math.min(30_000, 1000 * Math.pow(2, n - 1));
      for (int i = 0; i < 50; i++) {
        long d = b.delayAfter(n, random).toMillis();
        assertThat(d)
            .as("seed %d, failure %d", seed, n)
            .isBetween((long) (nominal * 0.5), (long) Math.ceil(nominal * 1.5))
            .isLessThanOrEqualTo(b.longest().toMillis());
      }
    }
    assertThat(b.longest()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void withoutJitter_delaysAreExact_andNoRandomIsDrawn() {
    Backoff b = new Backoff(Duration.ofMillis(100), 3, 0, Duration.ofSeconds(1));
    RandomGenerator none = doubles();
    assertThat(b.delayAfter(1, none)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delayAfter(2, none)).isEqualTo(Duration.ofMillis(300));
    assertThat(b.delayAfter(3, none)).isEqualTo(Duration.ofMillis(900));
    assertThat(b.delayAfter(4, none)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badSettings_areRefusedWithTheExpectedRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2, 0.5, Duration.ofSeconds(1)))
        .hasMessage("initial: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, 0.5, Duration.ofSeconds(1)))
        .hasMessage("multiplier: 0.5 (expected: >= 1)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, 1, Duration.ofSeconds(1)))
        .hasMessage("randomization: 1.0 (expected: 0 <= randomization < 1)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2, 0, Duration.ofSeconds(1)))
        .hasMessage("max: PT1S (expected: >= initial PT2S)");
    assertThatThrownBy(() -> Backoff.defaults().delayAfter(0, new Random(1)))
        .hasMessage("failures: 0 (expected: >= 1)");
  }
}
