package dev.discovery.testkit.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ScheduledExecutorService} whose time is a {@link FakeClock}: nothing runs on a thread of
 * its own.
 *
 * <ul>
 *   <li>{@link #execute(Runnable)} and tasks scheduled with no delay run at once on the calling
 *       thread (a task submitted from inside a running task runs right after it, never nested).
 *   <li>Delayed and periodic tasks run when the test calls {@link #advance(Duration)}, in order of
 *       their due time, with the clock set to each task's due time while it runs.
 * </ul>
 *
 * <p>Tasks never run concurrently with each other: one thread at a time drains the queue. A task
 * that throws is recorded (see {@link #failures()}) and does not stop the others; a periodic task
 * that throws is not run again, as with {@link java.util.concurrent.ScheduledThreadPoolExecutor}.
 *
 * @since 0.1
 */
public final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  private final FakeClock clock;
  private final Object lock = new Object();
  private final ReentrantLock runner = new ReentrantLock();
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(); // guarded by lock
  private final List<Throwable> failures = new ArrayList<>(); // guarded by lock
  private long sequence; // guarded by lock
  private boolean shutdown; // guarded by lock

  private FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** A scheduler on a new {@link FakeClock#create() FakeClock}. */
  public static FakeScheduler create() {
    return using(FakeClock.create());
  }

  /** A scheduler driven by {@code clock}. */
  public static FakeScheduler using(FakeClock clock) {
    return new FakeScheduler(Objects.requireNonNull(clock, "clock"));
  }

  /** The clock this scheduler reads and advances. */
  public FakeClock clock() {
    return clock;
  }

  /**
   * Moves the clock forward by {@code duration}, running every task that falls due on the way, in
   * order, with the clock at each task's due time. Tasks scheduled by those tasks run too if they
   * fall due before the end.
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    Instant end = clock.instant().plus(duration);
    runner.lock();
    try {
      while (true) {
        Task<?> next;
        synchronized (lock) {
          next = queue.peek();
          if (next == null || next.due.isAfter(end)) {
            break;
          }
          queue.poll();
        }
        if (next.due.isAfter(clock.instant())) {
          clock.set(next.due);
        }
        runOne(next);
      }
      clock.set(end);
    } finally {
      runner.unlock();
    }
    runDueTasks();
  }

  /** Runs the tasks that are due now (and those they submit for now), without moving the clock. */
  public void runDueTasks() {
    while (true) {
      if (runner.isHeldByCurrentThread() || !runner.tryLock()) {
        // Inside a task, or another thread drains: that loop will see the new task.
        return;
      }
      try {
        Task<?> next;
        while ((next = pollDue()) != null) {
          runOne(next);
        }
      } finally {
        runner.unlock();
      }
      if (!hasDueTask()) {
        return;
      }
      // A task was queued by another thread between our last poll and the unlock: go again.
    }
  }

  /** The number of tasks waiting to run (cancelled ones excluded). */
  public int pendingTasks() {
    synchronized (lock) {
      return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }
  }

  /** How long until the next task is due, if any is waiting. */
  public Optional<Duration> nextTaskDelay() {
    synchronized (lock) {
      return queue.stream()
          .filter(t -> !t.isCancelled())
          .map(t -> t.due)
          .min(Instant::compareTo)
          .map(due -> Duration.between(clock.instant(), due));
    }
  }

  /** Exceptions thrown by tasks so far, oldest first. */
  public List<Throwable> failures() {
    synchronized (lock) {
      return List.copyOf(failures);
    }
  }

  private Task<?> pollDue() {
    synchronized (lock) {
      Task<?> next = queue.peek();
      if (next == null || next.due.isAfter(clock.instant())) {
        return null;
      }
      return queue.poll();
    }
  }

  private boolean hasDueTask() {
    synchronized (lock) {
      Task<?> next = queue.peek();
      return next != null && !next.due.isAfter(clock.instant());
    }
  }

  private void runOne(Task<?> task) {
    if (task.isCancelled()) {
      return;
    }
    task.run();
  }

  private <V> Task<V> enqueue(Task<V> task) {
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("FakeScheduler is shut down");
      }
      task.sequence = sequence++;
      queue.add(task);
    }
    return task;
  }

  private void recordFailure(Throwable t) {
    synchronized (lock) {
      failures.add(t);
    }
  }

  private Instant dueAfter(long delay, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    return clock.instant().plus(Duration.ofNanos(Math.max(0, unit.toNanos(delay))));
  }

  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "command");
    enqueue(new Task<>(Executors.callable(command, null), clock.instant(), 0, false));
    runDueTasks();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    return schedule(Executors.callable(command, null), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Objects.requireNonNull(callable, "callable");
    Task<V> task = enqueue(new Task<>(callable, dueAfter(delay, unit), 0, false));
    runDueTasks();
    return task;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return schedulePeriodic(command, initialDelay, period, unit, true);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return schedulePeriodic(command, initialDelay, delay, unit, false);
  }

  private ScheduledFuture<?> schedulePeriodic(
      Runnable command, long initialDelay, long period, TimeUnit unit, boolean fixedRate) {
    Objects.requireNonNull(command, "command");
    if (period <= 0) {
      throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
    }
    Task<?> task =
        enqueue(
            new Task<>(
                Executors.callable(command, null),
                dueAfter(initialDelay, unit),
                unit.toNanos(period),
                fixedRate));
    runDueTasks();
    return task;
  }

  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
      queue.removeIf(Task::isPeriodic);
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    synchronized (lock) {
      shutdown = true;
      List<Runnable> pending = new ArrayList<>(queue);
      queue.clear();
      return pending;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && queue.isEmpty();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  @Override
  public String toString() {
    return "FakeScheduler[" + clock.instant() + ", pending=" + pendingTasks() + "]";
  }

  private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private Instant due;
    private final long periodNanos;
    private final boolean fixedRate;
    private long sequence;

    Task(Callable<V> callable, Instant due, long periodNanos, boolean fixedRate) {
      super(callable);
      this.due = due;
      this.periodNanos = periodNanos;
      this.fixedRate = fixedRate;
    }

    @Override
    public boolean isPeriodic() {
      return periodNanos > 0;
    }

    @Override
    public void run() {
      if (!isPeriodic()) {
        super.run();
        return;
      }
      if (runAndReset()) {
        due = fixedRate ? due.plusNanos(periodNanos) : clock.instant().plusNanos(periodNanos);
        synchronized (lock) {
          if (!shutdown && !isCancelled()) {
            sequence = FakeScheduler.this.sequence++;
            queue.add(this);
          }
        }
      }
    }

    @Override
    protected void setException(Throwable t) {
      recordFailure(t);
      super.setException(t);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        synchronized (lock) {
          queue.remove(this);
        }
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed other) {
      if (other == this) {
        return 0;
      }
      if (other instanceof Task<?> that) {
        int byDue = due.compareTo(that.due);
        return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }
}
