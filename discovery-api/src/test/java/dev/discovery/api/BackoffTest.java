package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.spi.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delays_growExponentially_withinTheirJitter_upToTheCap() {
    Backoff b = Backoff.defaults();
    for (int n = 1; n <= 12; n++) {
      double nominal = Math.min(30_000, 1000 * Math.pow(2, n - 1));
      for (int i = 0; i < 50; i++) {
        long d = b.delayAfter(n).toMillis();
        assertThat(d)
            .as("failure %d", n)
            .isBetween((long) (nominal * 0.5), (long) Math.ceil(nominal * 1.5));
      }
    }
    assertThat(b.longest()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void withoutJitter_delaysAreExact() {
    Backoff b = new Backoff(Duration.ofMillis(100), 3, 0, Duration.ofSeconds(1));
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofMillis(300));
    assertThat(b.delayAfter(3)).isEqualTo(Duration.ofMillis(900));
    assertThat(b.delayAfter(4)).isEqualTo(Duration.ofSeconds(1));
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
  }
}
