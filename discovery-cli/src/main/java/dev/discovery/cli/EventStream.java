package dev.discovery.cli;

import dev.discovery.api.WatchEvent;
import dev.discovery.api.WatchListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A watch's events with the time each arrived, handed to the command's thread one by one until an
 * optional deadline. Subscribe it after any balancer, so a balancer has a change before the command
 * hears of it.
 */
final class EventStream implements WatchListener {
  /** An event and when it arrived. */
  record Timed(Instant at, WatchEvent event) {}

  private final BlockingQueue<Timed> queue = new LinkedBlockingQueue<>();
  private final Clock clock;
  private final Instant deadline;

  /** Events until {@code duration} from now has passed ({@code null}: no deadline). */
  EventStream(Clock clock, Duration duration) {
    this.clock = clock;
    this.deadline = duration == null ? null : clock.instant().plus(duration);
  }

  @Override
  public void onEvent(WatchEvent event) {
    queue.add(new Timed(clock.instant(), event));
  }

  /** The next event, waiting for it; {@code null} once the deadline has passed. */
  Timed next() throws InterruptedException {
    if (deadline == null) {
      return queue.take();
    }
    long left = Duration.between(clock.instant(), deadline).toMillis();
    return left <= 0 ? null : queue.poll(left, TimeUnit.MILLISECONDS);
  }
}
