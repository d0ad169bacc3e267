package dev.discovery.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeClusterExtension;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// snippet:fake-cluster-extension
@ExtendWith(FakeClusterExtension.class)
class WebTest {
  FakeCluster cluster; // a fresh cluster for each test
  FakeDnsServer dns; // and a DNS server serving it

  @Test
  void findsEveryPod() throws Exception {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);

    try (Discovery discovery = Discovery.create();
        ServiceWatch web = discovery.watch(dns.target("web.shop:grpc"))) {
      assertThat(web.first().toCompletableFuture().get(5, SECONDS).size()).isEqualTo(3);
    }
  }
}
// end-snippet
