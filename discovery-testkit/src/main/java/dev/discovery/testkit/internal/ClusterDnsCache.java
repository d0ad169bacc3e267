package dev.discovery.testkit.internal;

import dev.discovery.api.Subscription;
import dev.discovery.api.internal.DiscoveryThreads;
import dev.discovery.testkit.ClusterSnapshot;
import dev.discovery.testkit.FakeCluster;
import java.net.InetAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link ClusterDnsData} of a {@link FakeCluster}, kept in step with it off the query path:
 * built when the cache is made, and again on its own thread (named {@code threadName}) after each
 * change of the cluster or of the TTL, so a query finds the records built. Changes that come while
 * a build runs are folded into the next build. A query that arrives between a change and the build
 * that follows it waits for that build, so answers follow the cluster at once. Thread-safe.
 */
public final class ClusterDnsCache implements AutoCloseable {
  private final FakeCluster cluster;
  private final InetAddress nameserver;
  private final ThreadPoolExecutor builder;
  private final AtomicBoolean buildQueued = new AtomicBoolean();
  private final Object building = new Object();
  private final Subscription subscription;
  private volatile long ttlSeconds;
  private volatile Built current;

  private record Built(ClusterSnapshot snapshot, long ttl, ClusterDnsData data) {}

  /** Builds the records of {@code cluster} as it is now, then follows its changes. */
  public ClusterDnsCache(
      FakeCluster cluster, long ttlSeconds, InetAddress nameserver, String threadName) {
    this.cluster = cluster;
    this.nameserver = nameserver;
    this.ttlSeconds = ttlSeconds;
    this.builder =
        new ThreadPoolExecutor(
            1,
            1,
            2,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            DiscoveryThreads.factory(threadName));
    builder.allowCoreThreadTimeOut(true);
    ClusterSnapshot snapshot = cluster.snapshot();
    this.current = new Built(snapshot, ttlSeconds, build(snapshot, ttlSeconds));
    this.subscription = cluster.subscribe(event -> rebuildSoon());
  }

  /** The TTL of every record. */
  public long ttlSeconds() {
    return ttlSeconds;
  }

  /** Sets the TTL of every record and rebuilds the records soon. */
  public void ttlSeconds(long ttlSeconds) {
    this.ttlSeconds = ttlSeconds;
    rebuildSoon();
  }

  /** The records of the cluster as it is now, with the current TTL. */
  public ClusterDnsData data() {
    Built b = current;
    if (b.snapshot == cluster.snapshot() && b.ttl == ttlSeconds) {
      return b.data;
    }
    synchronized (building) {
      ClusterSnapshot snapshot = cluster.snapshot();
      long ttl = ttlSeconds;
      b = current;
      if (b.snapshot == snapshot && b.ttl == ttl) {
        return b.data; // built while this thread waited
      }
      b = new Built(snapshot, ttl, build(snapshot, ttl));
      current = b;
      return b.data;
    }
  }

  private ClusterDnsData build(ClusterSnapshot snapshot, long ttl) {
    return ClusterDnsData.of(snapshot, ttl, nameserver);
  }

  private void rebuildSoon() {
    if (!buildQueued.compareAndSet(false, true)) {
      return; // the queued build will see this change too
    }
    try {
      builder.execute(
          () -> {
            buildQueued.set(false);
            data();
          });
    } catch (RejectedExecutionException e) {
      buildQueued.set(false); // closed: no one asks any more
    }
  }

  /** Stops following the cluster and ends the building thread. */
  @Override
  public void close() {
    subscription.close();
    builder.shutdownNow();
  }
}
