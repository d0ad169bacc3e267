package dev.discovery.api.internal;

import dev.discovery.api.Affinity;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers which endpoint each key got, Kubernetes ClientIP-style, across picker swaps. A key's
 * entry lives while the key is used again within the timeout and its endpoint stays a candidate.
 * Memory is bounded by {@link Affinity#maxKeys()}: beyond it, the entries idle longest go first.
 *
 * <p>Thread-safe: a pick never throws because of other threads. A pick for a known key allocates
 * nothing when the key is a {@link String}; a new key costs one entry. Eviction reuses one buffer
 * of last-use times (8 bytes per key).
 *
 * @param <T> what is picked
 */
public final class AffinityTable<T> {
  /** Last-use times are written at most this often per key, to keep picks from contending. */
  private static final long TOUCH_GRANULARITY_MILLIS = 1000;

  private final Affinity affinity;
  private final long timeoutMillis;
  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ReentrantLock evicting = new ReentrantLock();
  private long[] lastUsedBuffer = new long[0]; // guarded by evicting

  public AffinityTable(Affinity affinity, Clock clock) {
    this.affinity = affinity;
    this.timeoutMillis = affinity.timeout().toMillis();
    this.clock = clock;
  }

  /** The view of the current candidates the table needs. */
  public interface View<T> {
    /** Increases with every new set of candidates. */
    int generation();

    /** The candidate with identity {@code id}, or {@code null} if it is gone. */
    T find(InetSocketAddress id);

    /** The identity of {@code item}. */
    InetSocketAddress identity(T item);

    /** The policy's own choice for {@code key}, used when the table has none. */
    T choose(CharSequence key);
  }

  /**
   * The remembered choice for {@code key} if it is still valid, else the view's own choice, which
   * is then remembered.
   */
  public T pick(CharSequence key, View<T> view) {
    String k = key.toString();
    long now = clock.millis();
    Entry e = entries.get(k);
    if (e != null) {
      int generation = e.generation;
      @SuppressWarnings("unchecked")
      T item = (T) e.item;
      if (now - e.lastUsed <= timeoutMillis) {
        if (generation == view.generation()) {
          touch(e, now);
          return item;
        }
        T found = view.find(e.id);
        if (found != null) {
          synchronized (e) {
            e.item = found;
            e.generation = view.generation();
          }
          touch(e, now);
          return found;
        }
      }
      T chosen = view.choose(key);
      synchronized (e) {
        e.id = view.identity(chosen);
        e.item = chosen;
        e.generation = view.generation();
        e.lastUsed = now;
      }
      return chosen;
    }
    T chosen = view.choose(key);
    Entry created = new Entry(view.identity(chosen), chosen, view.generation(), now);
    Entry raced = entries.putIfAbsent(k, created);
    if (raced != null) {
      return pick(key, view);
    }
    if (entries.size() > affinity.maxKeys()) {
      evict(now);
    }
    return chosen;
  }

  private static void touch(Entry e, long now) {
    if (now - e.lastUsed >= TOUCH_GRANULARITY_MILLIS) {
      e.lastUsed = now;
    }
  }

  /**
   * Drops expired entries, then the least recently used down to 90% of the bound. Other threads
   * keep recording use while this runs, so it never sorts live entries (a comparison over values
   * that change breaks the sort's contract): it sorts a snapshot of the last-use times to find the
   * cut-off, then removes the entries still older than it. An entry used since the snapshot is
   * spared, as it should be.
   */
  private void evict(long now) {
    if (!evicting.tryLock()) {
      return;
    }
    try {
      long[] times = lastUsedBuffer(entries.size());
      int count = 0;
      for (var i = entries.values().iterator(); i.hasNext(); ) {
        long lastUsed = i.next().lastUsed;
        if (now - lastUsed > timeoutMillis) {
          i.remove();
        } else if (count < times.length) {
          times[count++] = lastUsed;
        }
      }
      int excess = count - (int) (affinity.maxKeys() * 0.9);
      if (excess <= 0) {
        return;
      }
      Arrays.sort(times, 0, count);
      long cutoff = times[excess - 1];
      int ties = excess - firstOfRun(times, excess - 1); // how many used at the cut-off go
      for (var i = entries.values().iterator(); i.hasNext(); ) {
        long lastUsed = i.next().lastUsed;
        if (lastUsed < cutoff) {
          i.remove();
        } else if (lastUsed == cutoff && ties > 0) {
          i.remove();
          ties--;
        }
      }
    } finally {
      evicting.unlock();
    }
  }

  /** The eviction's snapshot buffer, reused while it fits. Called with the eviction lock held. */
  private long[] lastUsedBuffer(int size) {
    if (lastUsedBuffer.length < size) {
      lastUsedBuffer = new long[Math.max(size, affinity.maxKeys() + affinity.maxKeys() / 8)];
    }
    return lastUsedBuffer;
  }

  /** The smallest index i such that {@code sorted[i..last]} all equal {@code sorted[last]}. */
  private static int firstOfRun(long[] sorted, int last) {
    int i = last;
    while (i > 0 && sorted[i - 1] == sorted[last]) {
      i--;
    }
    return i;
  }

  /** How many keys are remembered. */
  public int size() {
    return entries.size();
  }

  public Affinity affinity() {
    return affinity;
  }

  private static final class Entry {
    volatile InetSocketAddress id;
    volatile Object item;
    volatile int generation;
    volatile long lastUsed;

    Entry(InetSocketAddress id, Object item, int generation, long lastUsed) {
      this.id = id;
      this.item = item;
      this.generation = generation;
      this.lastUsed = lastUsed;
    }
  }
}
