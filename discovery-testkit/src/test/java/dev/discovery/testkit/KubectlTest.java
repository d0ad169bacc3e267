package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl, given only the server's generated kubeconfig, reads the fake cluster. */
class KubectlTest {
  private final FakeCluster cluster = FakeCluster.create();
  private FakeApiServer server;
  private Kubectl kubectl;

  @BeforeEach
  void start(@TempDir Path cache) {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, 8080).build());
    cluster.scale(
        Pod.builder("shop", "web")
            .label("app", "web")
            .containerPort("http", 8080)
            .node("node-a")
            .build(),
        3);
    server = FakeApiServer.start(cluster);
    kubectl = new Kubectl(server.kubeconfig(), cache);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void getEndpointSlicesByLabel_asJson_listsThePodsOfTheService() throws Exception {
    String out =
        kubectl.run(
            "get",
            "endpointslices",
            "-n",
            "shop",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "json");

    Map<String, Object> list = JSON.std.mapFrom(out);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) list.get("items");
    assertThat(items).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> labels =
        (Map<String, Object>) ((Map<String, Object>) items.get(0).get("metadata")).get("labels");
    assertThat(labels)
        .containsEntry("kubernetes.io/service-name", "web")
        .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
    assertThat(addresses(items.get(0))).isEqualTo(podIps());
  }

  @Test
  void getSeveralKinds_namesEveryObject() throws Exception {
    String out = kubectl.run("get", "svc,nodes,pods", "-n", "shop");

    assertThat(out).contains("service/web", "node/node-a", "pod/web-0", "pod/web-1", "pod/web-2");
  }

  @Test
  void getAService_asJson_givesItsSpec() throws Exception {
    Map<String, Object> svc =
        JSON.std.mapFrom(kubectl.run("get", "svc", "web", "-n", "shop", "-o", "json"));

    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) svc.get("spec");
    assertThat(spec)
        .containsEntry("type", "ClusterIP")
        .containsEntry("selector", Map.of("app", "web"));
    assertThat(spec.get("clusterIP"))
        .isEqualTo(cluster.service("shop", "web").orElseThrow().clusterIp().getHostAddress());
  }

  @Test
  void aMissingObject_isNotFound_asKubectlReportsIt() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> kubectl.run("get", "svc", "nope", "-n", "shop")))
        .hasMessageContaining("services \"nope\" not found");
  }

  @Test
  void watchingEndpointSlices_seesAScaleUp() throws Exception {
    try (Kubectl.Running watch =
        kubectl.start(
            "get",
            "endpointslices",
            "-n",
            "shop",
            "-l",
            "kubernetes.io/service-name=web",
            "--watch",
            "--output-watch-events",
            "-o",
            "json")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> watch.output().contains("\"ADDED\""));

      List<Pod> pods = cluster.scale("shop", "web", 5);
      String newIp = pods.get(4).ip().getHostAddress();

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(watch.output())
                      .contains("\"MODIFIED\"")
                      .contains("\"" + newIp + "\""));
    }
  }

  @SuppressWarnings("unchecked")
  private static TreeSet<String> addresses(Map<String, Object> slice) {
    return ((List<Map<String, Object>>) slice.get("endpoints"))
        .stream()
            .map(e -> ((List<String>) e.get("addresses")).get(0))
            .collect(Collectors.toCollection(TreeSet::new));
  }

  private TreeSet<String> podIps() {
    return cluster.pods("shop").stream()
        .map(p -> p.ip().getHostAddress())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
