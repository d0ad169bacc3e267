package dev.discovery.testkit;

import static dev.discovery.testkit.DnsClient.rdata;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** One FakeCluster feeds a FakeDnsServer and a FakeApiServer at once, and both tell its truth. */
class OneClusterTwoServersTest {

  @Test
  void theDnsAnswerAndTheApiSlices_nameTheSamePods_beforeAndAfterAScaleUp() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(Service.headless("shop", "web").selector("app", "web").port("http", 80).build());
    cluster.scale(Pod.builder("shop", "web").label("app", "web").build(), 2);

    try (FakeDnsServer dns = FakeDnsServer.start(cluster);
        FakeApiServer api = FakeApiServer.start(cluster)) {
      ApiClient client = new ApiClient(api);
      DnsClient resolver = new DnsClient(dns.address());

      assertThat(viaDns(resolver)).hasSize(2).isEqualTo(viaApi(client));

      cluster.scale("shop", "web", 5);

      assertThat(viaDns(resolver)).hasSize(5).isEqualTo(viaApi(client));
    }
  }

  private static TreeSet<String> viaDns(DnsClient resolver) throws Exception {
    return new TreeSet<>(rdata(resolver.query("web.shop.svc.cluster.local.", Type.A)));
  }

  @SuppressWarnings("unchecked")
  private static TreeSet<String> viaApi(ApiClient client) {
    Map<String, Object> list =
        client
            .get(
                "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
                    + "?labelSelector=kubernetes.io/service-name%3Dweb")
            .body();
    TreeSet<String> ips = new TreeSet<>();
    for (Map<String, Object> slice : (List<Map<String, Object>>) list.get("items")) {
      for (Map<String, Object> e : (List<Map<String, Object>>) slice.get("endpoints")) {
        ips.add(((List<String>) e.get("addresses")).get(0));
      }
    }
    return ips;
  }
}
