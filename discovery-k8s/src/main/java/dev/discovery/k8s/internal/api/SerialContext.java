package dev.discovery.k8s.internal.api;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serialized context over another executor, for the watches a provider shares between resolvers:
 * tasks run one at a time, in submission order, never nested. A task that throws is logged and the
 * next one runs. (discovery-api has its own, which it does not export.)
 */
final class SerialContext implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialContext.class);

  private final Executor delegate;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by itself
  private boolean draining; // guarded by queue

  SerialContext(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (queue) {
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    delegate.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        log.warn("A task of the Kubernetes API watches failed; the next one runs", e);
      }
    }
  }
}
