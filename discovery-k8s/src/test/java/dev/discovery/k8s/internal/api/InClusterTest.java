package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.testkit.clock.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InClusterTest {
  private static final String TOKEN = "sa-token-abcdef0123456789";

  @TempDir Path sa;

  private ApiConnection.Builder builder(Map<String, String> env) {
    return ApiConnection.builder().environment(Pki.env(env)).serviceAccountDir(sa);
  }

  private void mount() throws Exception {
    Files.writeString(sa.resolve("token"), TOKEN);
    Files.writeString(sa.resolve("ca.crt"), Pki.pem(Pki.ca(Pki.ec(), "cluster-ca")));
    Files.writeString(sa.resolve("namespace"), "shop\n");
  }

  @Test
  void pod_serviceAccount_serverTokenCaNamespace() throws Exception {
    mount();
    FakeClock clock = FakeClock.create();
    ApiConnection c =
        builder(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"))
            .clock(clock)
            .load();
    assertThat(c.server()).hasToString("https://10.96.0.1:443");
    assertThat(c.namespace()).isEqualTo("shop");
    assertThat(c.origin()).isEqualTo("in-cluster service account " + sa + " (token file)");
    assertThat(c.credentialDescription())
        .isEqualTo("bearer token from service-account token " + sa.resolve("token"));
    assertThat(c.trustSource()).isEqualTo("service-account CA " + sa.resolve("ca.crt"));
    assertThat(c.credentials().bearerToken()).contains(TOKEN);

    Files.writeString(sa.resolve("token"), "rotated");
    clock.advance(Duration.ofMinutes(1));
    assertThat(c.credentials().bearerToken()).contains("rotated");
    assertThat(c.toString() + c.credentials()).doesNotContain(TOKEN).doesNotContain("rotated");
  }

  @Test
  void ipv6Host_bracketed_namespaceDefault() throws Exception {
    mount();
    Files.delete(sa.resolve("namespace"));
    ApiConnection c =
        builder(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "6443"))
            .load();
    assertThat(c.server()).hasToString("https://[fd00::1]:6443");
    assertThat(c.namespace()).isEqualTo("default");
  }

  @Test
  void missingPortOrToken_saysWhatIsMissing() throws Exception {
    assertThatThrownBy(() -> builder(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")).load())
        .hasMessage(
            "in-cluster: KUBERNETES_SERVICE_PORT is not set (expected: the API server's port beside KUBERNETES_SERVICE_HOST=10.96.0.1)");
    assertThatThrownBy(
            () ->
                builder(
                        Map.of(
                            "KUBERNETES_SERVICE_HOST",
                            "10.96.0.1",
                            "KUBERNETES_SERVICE_PORT",
                            "443"))
                    .load())
        .hasMessage(
            "service-account token "
                + sa.resolve("token")
                + ": cannot read the file (expected: a readable file)");
  }

  @Test
  void kubeconfigVariable_winsOverThePod() throws Exception {
    mount();
    Path config =
        Files.writeString(
            sa.resolve("kubeconfig"),
            "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:6443\n"
                + "contexts:\n- name: c\n  context:\n    cluster: k\n");
    ApiConnection c =
        builder(
                Map.of(
                    "KUBERNETES_SERVICE_HOST", "10.96.0.1",
                    "KUBERNETES_SERVICE_PORT", "443",
                    "KUBECONFIG", config.toString()))
            .load();
    assertThat(c.server()).hasToString("https://127.0.0.1:6443");
  }
}
