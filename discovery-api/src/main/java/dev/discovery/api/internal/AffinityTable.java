package dev.discovery.api.internal;

import dev.discovery.api.Affinity;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers which endpoint each key got, Kubernetes ClientIP-style, across picker swaps. A key's
 * entry lives while the key is used again within the timeout and its endpoint stays a candidate.
 * Memory is bounded by {@link Affinity#maxKeys()}: beyond it, the entries idle longest go first.
 *
 * <p>Thread-safe. A pick for a known key allocates nothing when the key is a {@link String}; a new
 * key costs one entry.
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

  /** Drops expired entries, then the least recently used down to 90% of the bound. */
  private void evict(long now) {
    if (!evicting.tryLock()) {
      return;
    }
    try {
      entries.values().removeIf(e -> now - e.lastUsed > timeoutMillis);
      int excess = entries.size() - (int) (affinity.maxKeys() * 0.9);
      if (excess <= 0) {
        return;
      }
      List<Map.Entry<String, Entry>> all = new ArrayList<>(entries.entrySet());
      all.sort((a, b) -> Long.compare(a.getValue().lastUsed, b.getValue().lastUsed));
      for (int i = 0; i < excess && i < all.size(); i++) {
        entries.remove(all.get(i).getKey(), all.get(i).getValue());
      }
    } finally {
      evicting.unlock();
    }
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
