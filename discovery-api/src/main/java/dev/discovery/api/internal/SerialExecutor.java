package dev.discovery.api.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serialized context over another executor: tasks run one at a time, in submission order, never
 * nested (a task submitted from a running task runs after it). A task that throws is logged and the
 * next one runs.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final String name;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Thread runningOn;

  public SerialExecutor(Executor delegate, String name) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(Objects.requireNonNull(task, "task"));
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (RuntimeException e) {
        scheduled.set(false);
        log.warn("Context {} could not run its tasks: {}", name, e.toString());
      }
    }
  }

  private void drain() {
    runningOn = Thread.currentThread();
    try {
      Runnable task;
      while ((task = queue.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.warn("A task in context {} threw; the next task runs", name, e);
        }
      }
    } finally {
      runningOn = null;
      scheduled.set(false);
    }
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  /** Whether the calling thread is running this context's task now. */
  public boolean isCurrent() {
    return runningOn == Thread.currentThread();
  }

  @Override
  public String toString() {
    return "SerialExecutor[" + name + "]";
  }
}
