package dev.discovery.bench.resolve;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated over an interval by the live threads whose names start with a prefix, from the
 * JVM's per-thread allocation counters (the ones JMH's GC profiler sums over all threads). A thread
 * that ends within the interval is not counted, so the figure is a lower bound.
 */
final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String prefix;
  private Map<Long, Long> start = Map.of();

  ThreadAllocation(String prefix) {
    this.prefix = prefix;
  }

  /** Starts an interval. */
  void begin() {
    start = snapshot();
  }

  /** The bytes the matching threads allocated since {@link #begin()}. */
  long end() {
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
      if (t.getName().startsWith(prefix)) {
        long bytes = THREADS.getThreadAllocatedBytes(t.getId());
        if (bytes >= 0) {
          out.put(t.getId(), bytes);
        }
      }
    }
    return out;
  }
}
