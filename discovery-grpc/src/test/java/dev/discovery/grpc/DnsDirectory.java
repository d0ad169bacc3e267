package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Service;
import java.time.Duration;

/**
 * Pods as a headless Service {@code web.shop} (port {@code grpc}) of a {@link FakeCluster}, served
 * by the testkit's {@link FakeDnsServer} on loopback; channels target {@code
 * k8s+dns://127.0.0.1:<port>/web.shop:grpc} on the shared discovery, as a user's would.
 */
final class DnsDirectory extends ClusterDirectory {
  static final Duration TTL = Duration.ofSeconds(1);

  private final FakeDnsServer dns;

  DnsDirectory() {
    super(
        Service.headless(NAMESPACE, "web")
            .selector("app", "web")
            .port("grpc", 50051, "grpc")
            .build());
    dns = FakeDnsServer.builder(cluster).ttl(TTL).start();
  }

  @Override
  public String target() {
    return dns.target("web.shop:grpc");
  }

  @Override
  public Discovery discovery() {
    return null;
  }

  @Override
  public Duration ttl() {
    return TTL;
  }

  @Override
  public String name() {
    return "FakeDnsServer (TTL " + TTL.toSeconds() + " s)";
  }

  @Override
  public void close() {
    dns.close();
  }
}
