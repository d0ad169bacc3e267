package dev.discovery.bench.resolve;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes allocated over an interval by the live threads whose names start with one of some prefixes,
 * from the JVM's per-thread allocation counters (the ones JMH's GC profiler sums over all threads).
 * A thread that ends within the interval is not counted, so the figure is a lower bound.
 */
public final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final List<String> prefixes;
  private Map<Long, Long> start = Map.of();

  public ThreadAllocation(String... prefixes) {
    this.prefixes = List.of(prefixes);
  }

  /** Starts an interval. */
  public void begin() {
    start = snapshot();
  }

  /** The bytes the matching threads allocated since {@link #begin()}. */
  public long end() {
    long bytes = 0;
    for (Map.Entry<Long, Long> e : snapshot().entrySet()) {
      bytes += e.getValue() - start.getOrDefault(e.getKey(), 0L);
    }
    return bytes;
  }

  @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
  private Map<Long, Long> snapshot() {
    Map<Long, Long> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (prefixes.stream().anyMatch(t.getName()::startsWith)) {
        long bytes = THREADS.getThreadAllocatedBytes(t.getId());
        if (bytes >= 0) {
          out.put(t.getId(), bytes);
        }
      }
    }
    return out;
  }
}
