package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.testkit.FakeApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resolve} and {@code watch} through the Kubernetes API source ({@code k8s+api}), run as a
 * process against a FakeApiServer over TLS serving the demo's cluster. The server's token must
 * never show in anything the process prints.
 */
class ApiSourceIT extends WithShopDns {
  private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d  ";

  private final FakeApiServer api = FakeApiServer.start(cluster);
  private final String kubeconfig = api.kubeconfig().toString();

  @TempDir Path dir;

  @AfterEach
  void closeApi() {
    api.close();
  }

  @Test
  void resolve_kubeconfig_listsEveryPodWithItsConditions_fromTheApi() {
    Cli.Result r = Cli.run("resolve", "k8s+api:///web.shop:grpc", "--kubeconfig", kubeconfig);

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains(
            "target     k8s+api:///web.shop:grpc",
            "kind       HEADLESS",
            "endpoints  3 endpoints, 3 ready")
        .anyMatch(l -> l.startsWith("source     api"))
        .anyMatch(l -> l.matches(shop.ipOf("web-0") + " +50051 +web-0 .* yes +yes +no"));
    assertThat(api.requests().matching(q -> "endpointslices".equals(q.resource())))
        .as("requests for web's EndpointSlices")
        .isNotEmpty();
    assertNoToken(r);
  }

  @Test
  void resolve_k8sScheme_withKubeconfig_usesTheApi_andSaysWhy() {
    Cli.Result r = Cli.run("resolve", "web.shop:grpc", "--kubeconfig", kubeconfig);

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("source     api (--kubeconfig given)");
    assertNoToken(r);
  }

  @Test
  void resolve_unreadyPod_isListedNotReady_whereDnsWouldDropIt() {
    cluster.setReady("shop", "web-1", false);

    Cli.Result r = Cli.run("resolve", "k8s+api:///web.shop:grpc", "--kubeconfig", kubeconfig);

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains("endpoints  3 endpoints, 2 ready")
        .anyMatch(l -> l.matches(shop.ipOf("web-1") + " +50051 +web-1 .* no +no +no"));
  }

  @Test
  void resolve_nodePort_givesTheReadyNodesAddresses_withTheNodePort() {
    Cli.Result target =
        Cli.run(
            "resolve", "k8s+api:///front.shop:http?access=nodePort", "--kubeconfig", kubeconfig);
    Cli.Result option =
        Cli.run(
            "resolve",
            "k8s+api:///front.shop:http",
            "--access",
            "nodePort",
            "--kubeconfig",
            kubeconfig);

    for (Cli.Result r : List.of(target, option)) {
      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(r.out())
          .contains("kind       NODE_PORT", "endpoints  2 endpoints, 2 ready")
          .anyMatch(l -> l.startsWith(nodeIp("node-1") + "  30080 "))
          .anyMatch(l -> l.startsWith(nodeIp("node-2") + "  30080 "))
          .noneMatch(l -> l.startsWith(nodeIp("node-3") + " ")); // NotReady
    }
  }

  @Test
  void resolve_apiServerCaFileAndTokenFile_withoutKubeconfig() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), api.token() + "\n");

    Cli.Result r = resolveExplicitly(token, "--verbose");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("endpoints  3 endpoints, 3 ready");
    assertNoToken(r); // --verbose: the SDK's debug lines too
  }

  @Test
  void resolve_rejectedToken_failsOnOneLine_namingTheFile_notTheToken() throws IOException {
    String wrong = "wrong-" + api.token();
    Path token = Files.writeString(dir.resolve("token"), wrong);

    Cli.Result r = resolveExplicitly(token, "--json");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err())
        .singleElement()
        .asString()
        .startsWith("discovery: k8s+api:///web.shop:grpc: ")
        .contains(token.toString());
    assertThat(r.stdout() + r.stderr()).doesNotContain(wrong);
    assertNoToken(r);
  }

  @Test
  void resolve_unknownContext_isAUsageError_namingIt() {
    Cli.Result r =
        Cli.run(
            "resolve", "k8s+api:///web.shop:grpc", "--kubeconfig", kubeconfig, "--context", "prod");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0)).startsWith("Invalid option: ").contains("prod");
    assertNoToken(r);
  }

  @Test
  void watch_kubeconfig_printsTheScaleUpAndAnUnreadyPod_asTheyHappen() {
    try (Cli.Running w =
        Cli.start("watch", "k8s+api:///web.shop:grpc", "--kubeconfig", kubeconfig)) {
      w.awaitOut("the first list", out -> out.stream().filter(l -> l.contains("+ ")).count() == 3);
      assertThat(w.out().get(0))
          .matches(TIME + "resolved   HEADLESS from api.*, 3 endpoints, 3 ready");

      cluster.scale("shop", "web", 4);
      w.awaitOut(
          "web-3 added", out -> out.stream().anyMatch(l -> l.contains("+ " + shop.ipOf("web-3"))));
      cluster.setReady("shop", "web-1", false);
      w.awaitOut(
          "web-1 not ready",
          out -> out.stream().anyMatch(l -> l.contains("~ ") && l.contains("web-1")));

      assertThat(w.out())
          .anyMatch(l -> l.matches(TIME + "changed    revision 2: 1 added"))
          .anyMatch(l -> l.startsWith("              + " + shop.ipOf("web-3") + ":50051  web-3"))
          .anyMatch(l -> l.matches(TIME + "changed    revision 3: 1 changed"));
      assertThat(w.err()).singleElement().asString().startsWith("discovery: watching ");
      assertThat(String.join("\n", w.out()) + String.join("\n", w.err()))
          .doesNotContain(api.token());
    }
  }

  /** {@code resolve} of web with --api-server, --ca-file (the server's CA) and {@code token}. */
  private Cli.Result resolveExplicitly(Path token, String option) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.crt"), api.caCertificatePem());
    return Cli.run(
        "resolve",
        "k8s+api:///web.shop:grpc",
        "--api-server",
        api.url().toString(),
        "--ca-file",
        ca.toString(),
        "--token-file",
        token.toString(),
        option);
  }

  private String nodeIp(String node) {
    return cluster.node(node).orElseThrow().addresses().get(0).getHostAddress();
  }

  private void assertNoToken(Cli.Result r) {
    assertThat(r.stdout()).doesNotContain(api.token());
    assertThat(r.stderr()).doesNotContain(api.token());
  }
}
