package dev.discovery.k8s.internal.api;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serialized context over another executor, for the watches a provider shares between resolvers:
 * tasks run one at a time, in submission order, never nested. A task that throws is logged and the
 * next one runs. (discovery-api has its own, which it does not export.)
 *
 * <p>{@link #shutdown(Runnable)} runs a last task and everything it queued on the calling thread
 * before it returns, so the teardown does not depend on the delegate, which its owner may stop
 * right after; later tasks are dropped.
 */
final class SerialContext implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialContext.class);

  private final Executor delegate;
  private final ReentrantLock running = new ReentrantLock(); // held by the thread running tasks
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by itself
  private boolean draining; // guarded by queue: a drain is scheduled or running
  private boolean shutDown; // guarded by queue

  SerialContext(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (queue) {
      if (shutDown) {
        return;
      }
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The delegate is stopping: the task waits for shutdown, which runs what is queued.
      synchronized (queue) {
        draining = false;
      }
    }
  }

  /**
   * Runs {@code last}, then every task queued meanwhile, on this thread (after the task running
   * now, if any); from then on tasks are dropped.
   */
  void shutdown(Runnable last) {
    running.lock();
    try {
      run(last);
      runQueued(() -> shutDown = true);
    } finally {
      running.unlock();
    }
  }

  private void drain() {
    running.lock();
    try {
      runQueued(() -> draining = false);
    } finally {
      running.unlock();
    }
  }

  /** Runs the queued tasks until none is left, then {@code whenEmpty} under the queue's lock. */
  private void runQueued(Runnable whenEmpty) {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          whenEmpty.run();
          return;
        }
      }
      run(next);
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("A task of the Kubernetes API watches failed; the next one runs", e);
    }
  }
}
