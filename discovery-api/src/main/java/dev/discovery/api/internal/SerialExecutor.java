package dev.discovery.api.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serialized context over another executor: tasks run one at a time, in submission order, never
 * nested (a task submitted from a running task runs after it). A task that throws is logged and the
 * next one runs.
 *
 * <p>{@link #shutdown(Runnable)} ends the context with a last task, run before it returns (on the
 * calling thread unless another thread is running a task, which it waits for), so the delegate can
 * be shut down after it. From then on tasks are dropped: they belong to what the context served,
 * which is closed.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final String name;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ReentrantLock running = new ReentrantLock(); // held by the thread running tasks
  private final Object lock = new Object();
  private boolean shutDown; // guarded by lock
  private volatile Thread runningOn;

  public SerialExecutor(Executor delegate, String name) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.name = name;
  }

  /** Runs {@code task} in this context, or drops it if the context is shut down. */
  @Override
  public void execute(Runnable task) {
    if (!tryExecute(task)) {
      log.debug("Context {} is shut down; a task submitted after its last one is dropped", name);
    }
  }

  /**
   * Queues {@code task} to run in this context.
   *
   * @return false, with the task not queued, if the context is shut down
   */
  public boolean tryExecute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      if (shutDown) {
        return false;
      }
      queue.add(task);
    }
    schedule();
    return true;
  }

  /**
   * Queues {@code last} as this context's last task and runs what is queued now, on the calling
   * thread (after the task another thread may be running). Called from one of this context's own
   * tasks, it cannot run them nested: {@code last} then runs right after the current task, on this
   * thread. Later tasks are dropped. Idempotent: a second call drops its task.
   *
   * @return whether {@code last} has run (false if called from within this context, or again)
   */
  public boolean shutdown(Runnable last) {
    Objects.requireNonNull(last, "last");
    synchronized (lock) {
      if (shutDown) {
        return false;
      }
      queue.add(last);
      shutDown = true;
    }
    if (isCurrent()) {
      return false;
    }
    drain();
    return true;
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drainScheduled);
      } catch (RuntimeException e) {
        scheduled.set(false);
        if (!queue.isEmpty()) { // else a shutdown ran the tasks meanwhile, and the delegate is gone
          log.warn("Context {} could not run its tasks: {}", name, e.toString());
        }
      }
    }
  }

  private void drainScheduled() {
    try {
      drain();
    } finally {
      scheduled.set(false);
    }
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  /** Runs the queued tasks on this thread, one thread at a time. */
  private void drain() {
    running.lock();
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
      running.unlock();
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
