package dev.discovery.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.bench.fleet.FleetSimulation.ApiRun;
import dev.discovery.bench.fleet.FleetSimulation.Curve;
import dev.discovery.bench.fleet.FleetSimulation.Drop;
import dev.discovery.bench.fleet.FleetSimulation.Fleet;
import dev.discovery.bench.fleet.FleetSimulation.Outage;
import dev.discovery.spi.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fleet simulation's invariants, on a small fleet. */
class FleetSimulationTest {
  static final Fleet FLEET = new Fleet(200, 5, 2);
  static final Duration HORIZON = Duration.ofSeconds(120);
  static final Backoff JITTER = FleetSimulation.watchBackoff();
  static final Backoff NONE = FleetSimulation.withoutJitter(JITTER);

  @ParameterizedTest
  @EnumSource(Drop.class)
  void everyStream_reconnectsExactlyOnce_afterTheServerIsBack(Drop drop) {
    Outage outage = new Outage(drop, Duration.ofSeconds(10));
    for (Backoff backoff : new Backoff[] {JITTER, NONE}) {
      ApiRun run = FleetSimulation.apiRestart(FLEET, outage, backoff, 1, HORIZON);
      assertThat(run.reconnectsPerStream()).hasSize(2000).containsOnly(1);
      assertThat(run.reconnects().total()).isEqualTo(2000);
      assertThat(run.reconnects().afterHorizon()).isZero();
      assertThat(run.reconnects().timeToFraction(0)).isGreaterThanOrEqualTo(outage.downtime());
      assertThat(run.attempts().total()).isGreaterThan(run.reconnects().total());
    }
  }

  @Test
  void withoutJitter_everyStreamReconnectsInTheSameMillisecond_asTheBackoffSays() {
    ApiRun run =
        FleetSimulation.apiRestart(
            FLEET, new Outage(Drop.RESET, Duration.ofSeconds(10)), NONE, 1, HORIZON);
    // Refused at 1, 3 and 7 s; back at 1 + 2 + 4 + 8 = 15 s.
    assertThat(run.reconnects().timeToFraction(0)).isEqualTo(Duration.ofSeconds(15));
    assertThat(run.reconnects().timeToFraction(1)).isEqualTo(Duration.ofSeconds(15));
    assertThat(run.attempts().total()).isEqualTo(4L * FLEET.streams());
  }

  @Test
  void jitter_lowersThePeak() {
    for (Outage outage :
        new Outage[] {
          new Outage(Drop.RESET, Duration.ZERO), new Outage(Drop.RESET, Duration.ofSeconds(10))
        }) {
      Curve with = FleetSimulation.apiRestart(FLEET, outage, JITTER, 1, HORIZON).reconnects();
      Curve without = FleetSimulation.apiRestart(FLEET, outage, NONE, 1, HORIZON).reconnects();
      Duration bucket = Duration.ofMillis(100);
      assertThat(with.peakPerSecond(bucket)).isLessThan(without.peakPerSecond(bucket) / 5);
      assertThat(with.peakWithin(Duration.ofMillis(100)))
          .isLessThan(without.peakWithin(Duration.ofMillis(100)));
    }
  }

  @Test
  void aCleanEnd_withTheServerBackAtOnce_isResumedAtOnce_jitterOrNot() {
    Outage outage = new Outage(Drop.CLEAN_END, Duration.ZERO);
    Curve with = FleetSimulation.apiRestart(FLEET, outage, JITTER, 1, HORIZON).reconnects();
    assertThat(with.timeToFraction(1)).isEqualTo(Duration.ZERO);
  }

  @Test
  void sameSeed_sameCurves_otherSeed_otherCurves() {
    Outage outage = new Outage(Drop.RESET, Duration.ofSeconds(10));
    Duration ms = Duration.ofMillis(1);
    long[] a =
        FleetSimulation.apiRestart(FLEET, outage, JITTER, 7, HORIZON).reconnects().buckets(ms);
    long[] b =
        FleetSimulation.apiRestart(FLEET, outage, JITTER, 7, HORIZON).reconnects().buckets(ms);
    long[] c =
        FleetSimulation.apiRestart(FLEET, outage, JITTER, 8, HORIZON).reconnects().buckets(ms);
    assertThat(a).isEqualTo(b);
    assertThat(Arrays.equals(a, c)).isFalse();
    long[] d =
        FleetSimulation.dnsQueries(FLEET, Duration.ofSeconds(5), true, 2, 7, HORIZON).buckets(ms);
    long[] e =
        FleetSimulation.dnsQueries(FLEET, Duration.ofSeconds(5), true, 2, 7, HORIZON).buckets(ms);
    assertThat(d).isEqualTo(e);
  }

  @Test
  void dns_withJitter_settlesAtResolversOver0Point9Ttl_withoutJitter_stays_synchronised() {
    Fleet fleet = new Fleet(1000, 10, 2);
    Duration ttl = Duration.ofSeconds(5);
    Duration horizon = Duration.ofMinutes(5);
    Curve with = FleetSimulation.dnsQueries(fleet, ttl, true, 2, 1, horizon);
    Curve without = FleetSimulation.dnsQueries(fleet, ttl, false, 2, 1, horizon);
    double steady = fleet.resolvers() * 2 / (0.9 * 5);
    assertThat(with.meanPerSecond(Duration.ofMinutes(2), horizon))
        .isBetween(steady * 0.98, steady * 1.02);
    assertThat(without.meanPerSecond(Duration.ofMinutes(2), horizon))
        .isEqualTo(fleet.resolvers() * 2 / 5.0);
    // Without jitter every question of a refresh round falls in one millisecond.
    assertThat(without.peakWithin(Duration.ofMillis(1))).isEqualTo(fleet.resolvers() * 2L);
    Duration second = Duration.ofSeconds(1);
    assertThat(with.peakPerSecond(second, Duration.ofMinutes(4), horizon)).isLessThan(steady * 1.3);
  }

  @Test
  void report_writesTheSummaryAndAPng(@TempDir Path dir) throws Exception {
    FleetReport.write(dir, new Fleet(100, 5, 2), 1);
    String md = Files.readString(dir.resolve("fleet-summary.md"));
    assertThat(md).contains("## The API server restarts at t = 0").contains("| 29 |");
    assertThat(ImageIO.read(dir.resolve("fleet-reconnects.png").toFile()).getWidth())
        .isEqualTo(1200);
  }
}
