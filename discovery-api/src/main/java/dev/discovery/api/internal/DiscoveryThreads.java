package dev.discovery.api.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDK's own threads, all named {@code discovery-*}, all daemons, all gone when idle: a process
 * that stops using the SDK keeps none of them.
 */
public final class DiscoveryThreads {
  private static final long IDLE_SECONDS = 2;

  private DiscoveryThreads() {}

  /** A daemon thread factory naming threads {@code prefix-N}. */
  public static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One timer thread, {@code discovery-scheduler-N}, that exits when no task is pending. */
  public static ScheduledThreadPoolExecutor scheduler() {
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(1, factory("discovery-scheduler"));
    s.setRemoveOnCancelPolicy(true);
    s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    s.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
    s.allowCoreThreadTimeOut(true);
    return s;
  }

  /** Up to four threads for blocking work, {@code discovery-blocking-N}, that exit when idle. */
  public static ThreadPoolExecutor blocking() {
    ThreadPoolExecutor e =
        new ThreadPoolExecutor(
            4,
            4,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            factory("discovery-blocking"));
    e.allowCoreThreadTimeOut(true);
    return e;
  }
}
