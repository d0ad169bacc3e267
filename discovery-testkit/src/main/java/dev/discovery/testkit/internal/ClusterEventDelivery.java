package dev.discovery.testkit.internal;

import dev.discovery.api.Subscription;
import dev.discovery.testkit.ClusterEvent;
import dev.discovery.testkit.ClusterListener;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a cluster's events to its listeners as {@link ClusterListener} promises: in the order
 * they were queued, one at a time, on the thread that calls {@link #deliver()} after queueing,
 * unless another thread is delivering, which then delivers them too. A listener that throws is
 * logged and does not stop the others; a listener that changes the cluster gets that event after
 * the current one. Thread-safe.
 */
public final class ClusterEventDelivery {
  private static final Logger log = LoggerFactory.getLogger(ClusterEventDelivery.class);

  private final CopyOnWriteArrayList<Entry> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<ClusterEvent> pending = new ConcurrentLinkedQueue<>();
  private final ReentrantLock delivering = new ReentrantLock();

  /** Adds {@code listener}; it gets the events delivered from now on. */
  public Subscription subscribe(ClusterListener listener) {
    Entry entry = new Entry(Objects.requireNonNull(listener, "listener"));
    listeners.add(entry);
    return () -> {
      entry.active = false;
      listeners.remove(entry);
    };
  }

  /** Queues {@code event}, to be delivered after the events queued before it. */
  public void queue(ClusterEvent event) {
    pending.add(event);
  }

  /** Delivers the queued events, unless another thread (or this one, further up) is at it. */
  public void deliver() {
    while (!pending.isEmpty()) {
      if (delivering.isHeldByCurrentThread() || !delivering.tryLock()) {
        return; // the thread delivering now (maybe this one, further up) delivers it
      }
      try {
        ClusterEvent event;
        while ((event = pending.poll()) != null) {
          for (Entry entry : listeners) {
            if (!entry.active) {
              continue;
            }
            try {
              entry.listener.onEvent(event);
            } catch (RuntimeException e) {
              log.warn(
                  "A cluster listener threw on resource version {}", event.resourceVersion(), e);
            }
          }
        }
      } finally {
        delivering.unlock();
      }
    }
  }

  private static final class Entry {
    final ClusterListener listener;
    volatile boolean active = true;

    Entry(ClusterListener listener) {
      this.listener = listener;
    }
  }
}
