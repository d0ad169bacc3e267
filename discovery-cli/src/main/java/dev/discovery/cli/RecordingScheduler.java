package dev.discovery.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The demo's scheduler: one daemon thread, {@code discovery-cli-demo-scheduler}, that also records
 * every delayed task it is given, so the demo can show the resolver's retry timers (its backoff) as
 * the resolver chose them. Immediate tasks (the watches' serialized contexts) are not recorded.
 */
final class RecordingScheduler extends ScheduledThreadPoolExecutor {
  private final Signal signal;
  private final List<Duration> delays = new ArrayList<>(); // guarded by this

  RecordingScheduler(Signal signal) {
    super(
        1,
        r -> {
          Thread t = new Thread(r, "discovery-cli-demo-scheduler");
          t.setDaemon(true);
          return t;
        });
    this.signal = signal;
    setRemoveOnCancelPolicy(true);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (delay > 0) {
      synchronized (this) {
        delays.add(Duration.ofNanos(unit.toNanos(delay)));
      }
      signal.fire();
    }
    return super.schedule(command, delay, unit);
  }

  /** How many delayed tasks were scheduled so far. */
  synchronized int count() {
    return delays.size();
  }

  /** The delays of the delayed tasks from index {@code from} on, in order. */
  synchronized List<Duration> delaysFrom(int from) {
    return List.copyOf(delays.subList(Math.min(from, delays.size()), delays.size()));
  }
}
