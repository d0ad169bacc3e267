package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pods as a headless Service {@code web.shop} (port {@code grpc}) of a {@link FakeCluster}, served
 * by the testkit's {@link FakeDnsServer} on loopback; channels target {@code
 * k8s+dns://127.0.0.1:<port>/web.shop:grpc} on the shared discovery, as a user's would.
 */
final class DnsDirectory implements PodDirectory {
  static final Duration TTL = Duration.ofSeconds(1);

  private final FakeCluster cluster = FakeCluster.create();
  private final FakeDnsServer dns;

  DnsDirectory() {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
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

  /** Pods {@code web-<ip>} at each fake pod's IP, with container port {@code grpc}. */
  @Override
  public void publish(List<Pods.Pod> pods) {
    cluster.batch(
        m -> {
          Set<String> wanted = new HashSet<>();
          for (Pods.Pod p : pods) {
            String name = "web-" + p.address.getAddress().getHostAddress().replace('.', '-');
            wanted.add(name);
            m.apply(
                Pod.builder("shop", name)
                    .ip(p.address.getAddress())
                    .label("app", "web")
                    .containerPort("grpc", p.address.getPort())
                    .build());
          }
          for (Pod p : cluster.pods("shop")) {
            if (!wanted.contains(p.name())) {
              m.deletePod("shop", p.name());
            }
          }
        });
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
