package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code k8s:///...} with discovery-k8s on the class path: DNS, and it says why. */
class AutoSchemeTest {

  @Test
  void k8sScheme_resolvesThroughDns_andReportsTheSourceAndWhy() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);
    try (FakeDnsServer dns = FakeDnsServer.start(cluster);
        Discovery discovery =
            Discovery.builder()
                .environment(DnsFixture.podEnvironment("shop"))
                .provider(DnsResolverProvider.builder().server(dns.address()).build())
                .build();
        ServiceWatch web = discovery.watch("k8s:///web:grpc")) {
      EndpointSet set = web.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
      assertThat(set.size()).isEqualTo(3);
      assertThat(set.source().toString()).isEqualTo("dns (API source not installed)");
    }
  }

  @Test
  void defaultRegistry_findsTheDnsSource() {
    assertThat(dev.discovery.spi.ResolverRegistry.defaultRegistry().schemes())
        .contains("k8s", "k8s+dns", "static");
  }
}
