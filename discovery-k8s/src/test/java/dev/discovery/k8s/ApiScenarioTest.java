package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code k8s+api} source end to end against the testkit's fake API server over TLS, on real
 * time and threads: one scenario per test, named as the scenario table.
 */
class ApiScenarioTest {
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();

  private final ApiFixture f = new ApiFixture();

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private void webService() {
    f.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
  }

  @Test
  void firstSnapshot_equalsTheCluster() {
    webService();
    f.cluster.scale(WEB, 3);
    f.start();

    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    EndpointSet set = f.awaitSet(w, s -> s.size() == 3);

    assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
    assertThat(set.source().name()).isEqualTo("api");
    assertThat(set.endpoints()).allSatisfy(e -> assertThat(e.port()).isEqualTo(8080));
    assertThat(set.endpoints()).allMatch(Endpoint::ready);
  }
}
