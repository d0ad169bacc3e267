package dev.discovery.cli;

import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import java.time.Duration;
import java.util.List;

/**
 * The demo's namespace (web headless with 3 pods, api, front, db) in a FakeCluster, served by a
 * FakeDnsServer on 127.0.0.1 with a TTL of 1 s, for the processes under test to ask.
 */
final class ShopDns implements AutoCloseable {
  static final Duration TTL = Duration.ofSeconds(1);

  final FakeCluster cluster = FakeCluster.create();
  final FakeDnsServer dns;

  ShopDns() {
    Demo.shop(cluster);
    dns = FakeDnsServer.builder(cluster).ttl(TTL).start();
  }

  /** {@code 127.0.0.1:<port>}, for --dns-server. */
  String server() {
    return "127.0.0.1:" + dns.port();
  }

  /** The address of pod {@code name} in shop. */
  String ipOf(String name) {
    return cluster.pod("shop", name).orElseThrow().ips().get(0).getHostAddress();
  }

  /** The addresses of web's pods, sorted. */
  List<String> webIps() {
    return cluster.pods("shop").stream()
        .filter(p -> p.name().startsWith("web-"))
        .map(p -> p.ips().get(0).getHostAddress())
        .sorted()
        .toList();
  }

  @Override
  public void close() {
    dns.close();
  }
}
