package dev.discovery.bench.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.testkit.DnsQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolve harness measures complete lookups, and fails on incomplete ones. */
class ResolveFixtureTest {

  @Test
  void lookup_thousandPodHeadless_isCompleteAndItsAddressesComeOverTcp() {
    try (ResolveFixture f = ResolveFixture.start(ResolveFixture.Shape.HEADLESS_1000, false)) {
      f.dns().clearQueries();

      EndpointSet set = f.lookup();

      assertThat(set.size()).isEqualTo(1000);
      assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
      assertThat(set.endpoints()).allMatch(e -> e.port() == 8080);
      List<DnsQuery> queries = f.dns().queries();
      // Over UDP as many records as fit, with TC (as CoreDNS answers); then all of them over TCP.
      List<DnsQuery> a = queries.stream().filter(q -> q.type().equals("A")).toList();
      assertThat(a)
          .extracting(DnsQuery::transport, DnsQuery::truncated)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(DnsQuery.Transport.UDP, true),
              org.assertj.core.groups.Tuple.tuple(DnsQuery.Transport.TCP, false));
      assertThat(a.get(0).answers()).isBetween(1, 999);
      assertThat(a.get(1).answers()).isEqualTo(1000);
    }
  }

  @Test
  void lookup_clusterIpByPortName_isOneVirtualAddressOverUdp() {
    try (ResolveFixture f = ResolveFixture.start(ResolveFixture.Shape.CLUSTER_IP, true)) {
      f.dns().clearQueries();

      EndpointSet set = f.lookup();

      assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
      assertThat(set.endpoints()).singleElement().matches(e -> e.port() == 80);
      assertThat(f.dns().queries())
          .extracting(DnsQuery::type)
          .containsExactlyInAnyOrder("A", "AAAA", "SRV");
      assertThat(f.dns().queries()).allMatch(q -> q.transport() == DnsQuery.Transport.UDP);
    }
  }

  @Test
  void lookup_eachOneIsANewResolution_evenWhenNothingChanged() {
    try (ResolveFixture f = ResolveFixture.start(ResolveFixture.Shape.HEADLESS_100, false)) {
      f.dns().clearQueries();
      for (int i = 0; i < 20; i++) {
        f.lookup();
      }
      assertThat(f.dns().queries()).filteredOn(q -> q.type().equals("AAAA")).hasSize(20);
    }
  }

  @Test
  void lookup_incompleteAnswer_failsTheBenchmarkSayingWhatWasExpected() {
    try (ResolveFixture f = ResolveFixture.start(ResolveFixture.Shape.HEADLESS_100, false)) {
      f.cluster().scale("bench", "web100", 99);

      assertThatThrownBy(f::lookup)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("lookup of k8s+dns://127.0.0.1:")
          .hasMessageContaining("(expected: 100 endpoints of a HEADLESS Service)");
    }
  }
}
