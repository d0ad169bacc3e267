package dev.discovery.examples;

import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The cluster the snippets run against: namespace {@code shop} with a headless Service {@code web}
 * of three pods (port {@code grpc}), and a FakeDnsServer on loopback serving it.
 */
final class Shop implements AutoCloseable {
  final FakeCluster cluster;
  final FakeDnsServer dns;

  private Shop(FakeCluster cluster) {
    this.cluster = cluster;
    this.dns = FakeDnsServer.start(cluster);
  }

  /** Pods from 127.0.1.1 on port 50051, never dialled. */
  static Shop start() {
    return start("127.0.1.1", 50051);
  }

  /** Pods from {@code firstPodIp} on {@code port}. */
  static Shop start(String firstPodIp, int port) {
    FakeCluster cluster = FakeCluster.builder().firstPodIp(firstPodIp).build();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", port, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", port).build(), 3);
    return new Shop(cluster);
  }

  /** The pods' addresses, in order. */
  List<InetSocketAddress> pods(int port) {
    return cluster.pods("shop").stream().map(p -> new InetSocketAddress(p.ip(), port)).toList();
  }

  @Override
  public void close() {
    dns.close();
  }
}
