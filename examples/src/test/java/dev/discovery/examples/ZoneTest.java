package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeClusterExtension;
import dev.discovery.testkit.FakeDnsServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// snippet:fake-cluster-extension-builder
class ZoneTest {
  @RegisterExtension
  static FakeClusterExtension k8s =
      FakeClusterExtension.builder()
          .cluster(cluster -> cluster.zone("example.local"))
          .dns(dns -> dns.ttl(Duration.ofSeconds(1)))
          .build();

  @Test
  void servesItsZone(FakeCluster cluster, FakeDnsServer dns) { // as parameters too
    assertThat(cluster.zone()).isEqualTo("example.local");
    assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(1));
  }
}
// end-snippet
