package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.ClientCertificate;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the {@code k8s+api} source connects and what it says when it cannot, against the fake API
 * server over TLS: credentials (rotated token file, client certificates, exec plugin), trust, RBAC,
 * the {@code k8s} scheme's fall-back to DNS, and the hand-over of ExternalName Services to DNS.
 */
class ApiConnectScenarioTest {
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();

  private final ApiFixture f = new ApiFixture();
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private void webWithPods(int pods) {
    f.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    f.cluster.scale(WEB, pods);
  }

  /** The builder without kubeconfig: the fake server, its CA, nothing else. */
  private ApiResolverProvider.Builder explicit() {
    return f.explicit();
  }

  @Test
  void unauthorized_thenARotatedTokenFile_isPickedUp() throws Exception {
    webWithPods(1);
    Path tokenFile = Files.writeString(dir.resolve("token"), f.api.token());
    f.start(explicit().tokenFile(tokenFile).build());
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    f.awaitSet(w, s -> s.size() == 1);
    // Both watches open: one still on its way with the old token would not hear the rotation.
    await()
        .atMost(ApiFixture.WAIT)
        .until(() -> f.count("watch", "services") >= 1 && f.count("watch", "endpointslices") >= 1);

    String next = f.api.faults().rotateToken(Duration.ZERO);
    Files.writeString(dir.resolve("token.new"), next);
    Files.move(
        dir.resolve("token.new"),
        tokenFile,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    f.api.faults().dropWatches();
    f.cluster.scale(WEB, 2);

    // The token file is re-read every minute; the 401 makes it re-read at once.
    f.awaitSet(w, s -> s.size() == 2);
    assertThat(f.api.requests().matching(r -> r.status() == 401)).isNotEmpty();
    assertThat(f.api.requests().matching(r -> r.status() == 200 && next.equals(r.token())))
        .isNotEmpty();
  }

  @Test
  void unauthorized_namesTheCredentialSent_neverItsValue() {
    webWithPods(1);
    f.start(explicit().token("not-the-token").build());

    ResolutionError error = f.awaitError(f.watch("k8s+api:///web.shop:http"), e -> true);

    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.PERMISSION_DENIED);
    assertThat(error.message())
        .contains("did not accept the credential")
        .contains("token (set on the builder)")
        .doesNotContain("not-the-token");
  }

  @Test
  void tokenThatNoHeaderCanCarry_isAnError_neverShowingTheToken() {
    webWithPods(1);
    f.start(explicit().token("secret-value\nsecond-line").build());

    ResolutionError error = f.awaitError(f.watch("k8s+api:///web.shop:http"), e -> true);

    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED);
    assertThat(error.message())
        .contains("token (set on the builder)")
        .contains("cannot be sent")
        .doesNotContain("secret");
  }

  @Test
  void forbidden_namesTheRoleRule() {
    webWithPods(1);
    f.api.faults().forbid("list", "endpointslices", "shop");
    f.start();

    ResolutionError error = f.awaitError(f.watch("k8s+api:///web.shop:http"), e -> true);

    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.PERMISSION_DENIED);
    assertThat(error.message())
        .contains("cannot list endpointslices.discovery.k8s.io in namespace shop")
        .contains(
            "{apiGroups: [\"discovery.k8s.io\"], resources: [\"endpointslices\"], verbs: [\"get\","
                + " \"list\", \"watch\"]}");
  }

  @Test
  void k8sScheme_forbidden_fallsBackToDns_andSaysWhy() {
    webWithPods(2);
    f.api.faults().forbid("list", "endpointslices", "shop");
    try (FakeDnsServer dns = FakeDnsServer.start(f.cluster)) {
      f.start(
          Environment.of(Map.of("KUBECONFIG", f.api.kubeconfig().toString()), Map.of()),
          f.provider().build(),
          DnsResolverProvider.builder().server(dns.address()).build());

      EndpointSet set = f.awaitSet(f.watch("k8s:///web.shop:80"), s -> s.size() == 1);

      assertThat(set.kind()).as("DNS sees the ClusterIP").isEqualTo(ServiceKind.CLUSTER_IP);
      assertThat(set.source().toString())
          .startsWith("dns (API: forbidden: ")
          .endsWith("cannot list endpointslices.discovery.k8s.io in namespace shop)");
    }
  }

  @Test
  void k8sScheme_allowed_usesTheApi_andSaysWhy() {
    webWithPods(2);
    f.start(
        Environment.of(Map.of("KUBECONFIG", f.api.kubeconfig().toString()), Map.of()),
        f.provider().build());

    EndpointSet set = f.awaitSet(f.watch("k8s:///web.shop:80"), s -> s.size() == 2);

    assertThat(set.source().toString()).isEqualTo("api (kubeconfig from KUBECONFIG)");
  }

  @Test
  void wrongCa_isAnError_namingTheCaSource() {
    webWithPods(1);
    try (FakeApiServer other = FakeApiServer.start(FakeCluster.create())) {
      f.start(
          ApiResolverProvider.builder()
              .server(f.api.url())
              .caPem(other.caCertificatePem())
              .token(f.api.token())
              .backoff(ApiFixture.FAST)
              .build());

      ResolutionError error = f.awaitError(f.watch("k8s+api:///web.shop:http"), e -> true);

      assertThat(error.message()).contains("CA PEM (set on the builder)");
    }
  }

  @Test
  void builderErrors_areOneLine_namingTheSetting() {
    assertThatThrownBy(
            () -> ApiResolverProvider.builder().kubeconfig(dir.resolve("missing")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ApiResolverProvider.builder().namespace("Shop!"))
        .hasMessageStartingWith("namespace: \"Shop!\"");
    assertThatThrownBy(() -> ApiResolverProvider.builder().idleTimeout(Duration.ZERO))
        .hasMessage("idleTimeout: PT0S (expected: > 0)");
  }

  @Test
  void kubeconfig_withToken() {
    webWithPods(1);
    f.start();

    f.awaitSet(f.watch("k8s+api:///web.shop:http"), s -> s.size() == 1);

    assertThat(f.api.requests().matching(r -> f.api.token().equals(r.token()))).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(ClientCertificate.KeyFormat.class)
  void kubeconfig_withClientCertificate_inEachKeyFormat(ClientCertificate.KeyFormat format)
      throws Exception {
    webWithPods(1);
    ClientCertificate cert = f.api.issueClientCertificate(format, "alice");
    Path kubeconfig =
        kubeconfig(
            "    client-certificate-data: "
                + base64(cert.certificatePem())
                + "\n    client-key-data: "
                + base64(cert.privateKeyPem())
                + "\n");
    f.start(f.provider().kubeconfig(kubeconfig).build());

    f.awaitSet(f.watch("k8s+api:///web.shop:http"), s -> s.size() == 1);

    assertThat(f.api.requests().matching(r -> "alice".equals(r.clientCertificate()))).isNotEmpty();
  }

  @Test
  void kubeconfig_withAnExecPlugin() throws Exception {
    webWithPods(1);
    Path script = dir.resolve("credential.sh");
    Files.writeString(
        script,
        "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
            + "\"kind\":\"ExecCredential\",\"status\":{\"token\":\""
            + f.api.token()
            + "\"}}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Path kubeconfig =
        kubeconfig(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: "
                + script
                + "\n      interactiveMode: Never\n");
    f.start(f.provider().kubeconfig(kubeconfig).build());

    f.awaitSet(f.watch("k8s+api:///web.shop:http"), s -> s.size() == 1);

    assertThat(f.api.requests().matching(r -> f.api.token().equals(r.token()))).isNotEmpty();
  }

  @Test
  void serviceChangingType_clusterIpToExternalNameAndBack() {
    webWithPods(2);
    try (FakeDnsServer dns = FakeDnsServer.start(f.cluster)) {
      dns.externalHost("db.example.test", "127.0.7.1");
      f.start(f.provider().build(), DnsResolverProvider.builder().server(dns.address()).build());
      ServiceWatch w = f.watch("k8s+api:///web.shop:80");
      f.awaitSet(w, s -> s.size() == 2 && s.kind() == ServiceKind.CLUSTER_IP);

      f.cluster.apply(Service.externalName("shop", "web", "db.example.test").build());

      EndpointSet external = f.awaitSet(w, s -> s.kind() == ServiceKind.EXTERNAL_NAME);
      assertThat(external.endpoints())
          .extracting(e -> e.hostPort())
          .containsExactly("127.0.7.1:80");
      assertThat(external.source().toString())
          .isEqualTo(
              "dns (ExternalName shop/web: CNAME to db.example.test, through the API source)");

      f.cluster.apply(
          Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());

      EndpointSet back = f.awaitSet(w, s -> s.kind() == ServiceKind.CLUSTER_IP);
      assertThat(back.source().toString()).isEqualTo("api");
    }
  }

  @Test
  void lastWatchClosed_endsTheSharedWatches() {
    webWithPods(1);
    ApiResolverProvider provider = f.provider().build();
    f.start(provider);
    ServiceWatch a = f.watch("k8s+api:///web.shop:http");
    ServiceWatch b = f.watch("k8s+api:///web.shop:80?access=pods");
    f.awaitSet(a, s -> s.size() == 1);
    f.awaitSet(b, s -> s.size() == 1);
    assertThat(provider.openWatchGroups()).isEqualTo(1);

    a.close();
    assertThat(provider.openWatchGroups()).isEqualTo(1);
    b.close();

    await().atMost(ApiFixture.WAIT).until(() -> provider.openWatchGroups() == 0);
    await()
        .atMost(ApiFixture.WAIT)
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .noneMatch(n -> n.startsWith("discovery-k8s-api-")));
  }

  private Path kubeconfig(String user) throws Exception {
    String yaml =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
            + f.api.url()
            + "\n    certificate-authority-data: "
            + base64(f.api.caCertificatePem())
            + "\nusers:\n- name: u\n  user:\n"
            + user
            + "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n"
            + "    namespace: shop\ncurrent-context: x\n";
    return Files.writeString(dir.resolve("kubeconfig-" + System.nanoTime()), yaml);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
