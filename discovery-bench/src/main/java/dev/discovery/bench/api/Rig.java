package dev.discovery.bench.api;

import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.time.Duration;

/**
 * One {@link FakeCluster} served at once by the testkit's {@link FakeApiServer} (HTTPS on loopback,
 * its own CA and token, as a real client would meet it) and its {@link FakeDnsServer} (records with
 * a 1 s TTL), so every peer hears the same changes from the same cluster.
 */
public final class Rig implements AutoCloseable {
  /** The TTL of the DNS server's records: the DNS source re-resolves once a second. */
  public static final Duration DNS_TTL = Duration.ofSeconds(1);

  private final FakeCluster cluster;
  private final FakeApiServer api;
  private final FakeDnsServer dns;

  /**
   * A bookmark interval longer than any run: no bookmarks. client-java 24 rejects an EndpointSlice
   * bookmark as the API server writes it ({@code "endpoints":null}: "Expected the field endpoints
   * to be an array"), and its reflector fails and relists at every bookmark, which would put those
   * relists into the informer's delays.
   */
  public static final Duration NO_BOOKMARKS = Duration.ofDays(1);

  private Rig(FakeCluster cluster, Duration bookmarkInterval) {
    this.cluster = cluster;
    this.api = FakeApiServer.builder(cluster).bookmarkInterval(bookmarkInterval).start();
    FakeDnsServer started = null;
    try {
      started = FakeDnsServer.builder(cluster).ttl(DNS_TTL).start();
    } finally {
      if (started == null) {
        api.close();
      }
    }
    this.dns = started;
  }

  /** Starts both servers over {@code cluster}; the API server sends bookmarks once a minute. */
  public static Rig start(FakeCluster cluster) {
    return new Rig(cluster, FakeApiServer.DEFAULT_BOOKMARK_INTERVAL);
  }

  /** Starts both servers over {@code cluster}, with bookmarks every {@code bookmarkInterval}. */
  public static Rig start(FakeCluster cluster, Duration bookmarkInterval) {
    return new Rig(cluster, bookmarkInterval);
  }

  /**
   * Adds a headless Service {@code namespace/service} (port {@code http}, 8080) with {@code pods}
   * ready pods named {@code <service>-<n>}: headless, so that DNS answers one address per ready pod
   * and every source can see a scale.
   */
  public static void headless(FakeCluster cluster, String namespace, String service, int pods) {
    cluster.apply(
        Service.headless(namespace, service)
            .port("http", 8080, "http")
            .selector("app", service)
            .build());
    cluster.scale(
        Pod.builder(namespace, service).label("app", service).containerPort("http", 8080).build(),
        pods);
  }

  public FakeCluster cluster() {
    return cluster;
  }

  public FakeApiServer api() {
    return api;
  }

  public FakeDnsServer dns() {
    return dns;
  }

  @Override
  public void close() {
    try {
      dns.close();
    } finally {
      api.close();
    }
  }
}
