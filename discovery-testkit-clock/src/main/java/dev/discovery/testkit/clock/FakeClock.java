package dev.discovery.testkit.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test moves it. Thread-safe.
 *
 * <p>Usually driven through {@link FakeScheduler#advance(Duration)}, which also runs the tasks that
 * fall due on the way.
 *
 * @since 0.1
 */
public final class FakeClock extends Clock {
  /** The instant a new clock starts at, unless told otherwise: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock at {@link #DEFAULT_START}, in UTC. */
  public static FakeClock create() {
    return at(DEFAULT_START);
  }

  /** A clock at {@code start}, in UTC. */
  public static FakeClock at(Instant start) {
    return new FakeClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /** Moves the clock forward by {@code duration} (which must not be negative). */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    now.updateAndGet(t -> t.plus(duration));
  }

  /** Sets the clock to {@code instant}; the clock never goes back. */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException(
                "instant: " + instant + " (expected: not before the clock's " + t + ")");
          }
          return instant;
        });
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  /**
   * The clock's time in nanoseconds since the epoch: a ticker that moves with the clock, for code
   * that takes a {@code System::nanoTime}-like source ({@code clock::nanos}).
   */
  public long nanos() {
    Instant t = now.get();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of the same clock in another zone: advancing either advances both. */
  @Override
  public Clock withZone(ZoneId zone) {
    return new FakeClock(now, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + "]";
  }
}
