package dev.discovery.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import org.junit.jupiter.api.Test;

/** docs/kubernetes-api.md's provider, run against the testkit's API server. */
class ApiSourceTest {

  @Test
  void theConfiguredProvider_seesEveryPodOfAClusterIpService_andFollowsAScaleUp() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, 8080).build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build(), 3);

    try (FakeApiServer api = FakeApiServer.start(cluster);
        Discovery discovery = ApiSource.discovery(api.kubeconfig());
        ServiceWatch web =
            discovery.watch("k8s+api:///web:80")) { // namespace shop, port 80 -> 8080
      EndpointSet first = web.first().toCompletableFuture().get(20, SECONDS);
      assertThat(first.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
      assertThat(first.endpoints())
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.port()).isEqualTo(8080));

      cluster.scale("shop", "web", 4);
      await().until(() -> web.current().orElseThrow().size() == 4);
    }
  }
}
