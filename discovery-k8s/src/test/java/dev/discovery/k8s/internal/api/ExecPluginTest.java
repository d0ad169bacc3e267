package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.testkit.clock.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec credential plugins, run as real shell scripts written by the test. */
class ExecPluginTest {
  @TempDir Path dir;

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve("bin").resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private Path kubeconfig(String command, String apiVersion, String extra) throws Exception {
    return Files.writeString(
        dir.resolve("config"),
        "current-context: c\n"
            + "clusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:6443\n"
            + "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n"
            + "users:\n- name: u\n  user:\n    exec:\n"
            + "      apiVersion: "
            + apiVersion
            + "\n      command: "
            + command
            + "\n      interactiveMode: Never\n"
            + extra);
  }

  private ApiConnection load(Path config, FakeClock clock) throws ApiConfigException {
    return ApiConnection.builder()
        .environment(Pki.env(Map.of()))
        .kubeconfig(config)
        .clock(clock)
        .load();
  }

  @Test
  void token_cachedUntilExpiry_thenRunAgain_withArgsEnvAndExecInfo() throws Exception {
    script(
        "plugin.sh",
        "echo \"$1 $GREETING $KUBERNETES_EXEC_INFO\" >> \"$(dirname \"$0\")/runs\"\n"
            + "n=$(wc -l < \"$(dirname \"$0\")/runs\" | tr -d ' ')\n"
            + "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            + "\"status\":{\"token\":\"exec-token-'$n'\",\"expirationTimestamp\":\"2026-01-01T00:10:00Z\"}}'\n");
    Path config =
        kubeconfig(
            "./bin/plugin.sh",
            "client.authentication.k8s.io/v1",
            "      args: [\"--cluster\"]\n      env:\n      - name: GREETING\n        value: hello\n");
    FakeClock clock = FakeClock.create();
    ApiConnection c = load(config, clock);
    Path runs = dir.resolve("bin/runs");
    assertThat(runs).doesNotExist(); // not run until a request needs it

    assertThat(c.credentials().authorizationHeader()).contains("Bearer exec-token-1");
    clock.advance(Duration.ofMinutes(9));
    assertThat(c.credentials().bearerToken()).contains("exec-token-1");
    clock.advance(Duration.ofMinutes(1));
    assertThat(c.credentials().bearerToken()).contains("exec-token-2");

    List<String> lines = Files.readAllLines(runs);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .isEqualTo(
            "--cluster hello {\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}");
    assertThat(c.origin()).endsWith("user u (exec plugin)");
    assertThat(c.credentialDescription())
        .isEqualTo(
            "exec plugin "
                + dir.resolve("bin/plugin.sh")
                + " (kubeconfig "
                + config
                + ", user \"u\")");
    assertThat(c + c.credentialDescription()).doesNotContain("exec-token");
  }

  @Test
  void clientCertificate_fromThePlugin_v1beta1() throws Exception {
    KeyPair caKeys = Pki.ec();
    X509Certificate ca = Pki.ca(caKeys, "ca");
    KeyPair keys = Pki.ec();
    X509Certificate cert = Pki.leaf(keys, "user", ca, caKeys.getPrivate());
    Path answer = dir.resolve("answer.json");
    Files.writeString(
        answer,
        JSON.std.asString(
            Map.of(
                "apiVersion", "client.authentication.k8s.io/v1beta1",
                "kind", "ExecCredential",
                "status",
                    Map.of(
                        "clientCertificateData", Pki.pem(cert),
                        "clientKeyData", Pki.pkcs8(keys.getPrivate())))));
    Path plugin = script("cert.sh", "cat '" + answer + "'\n");
    ApiConnection c =
        load(
            kubeconfig(plugin.toString(), "client.authentication.k8s.io/v1beta1", ""),
            FakeClock.create());

    assertThat(c.credentials().authorizationHeader()).isEmpty();
    ClientKey key = c.credentials().clientKey().orElseThrow();
    assertThat(key.chain()).containsExactly(cert);
    assertThat(key.key()).isEqualTo(keys.getPrivate());
  }

  @Test
  void failingPlugin_errorCarriesItsStderr() throws Exception {
    Path plugin =
        script(
            "fail.sh", "echo 'login required:' >&2\necho '  run: cloud auth login' >&2\nexit 3\n");
    ApiConnection c =
        load(
            kubeconfig(plugin.toString(), "client.authentication.k8s.io/v1", ""),
            FakeClock.create());
    assertThatThrownBy(() -> c.credentials().authorizationHeader())
        .isInstanceOf(ApiConfigException.class)
        .hasMessage(
            "exec plugin "
                + plugin
                + " (kubeconfig "
                + dir.resolve("config")
                + ", user \"u\"): exited with status 3: login required: run: cloud auth login");
  }

  @Test
  void wrongOutput_namedWithoutQuotingIt() throws Exception {
    Path plugin =
        script(
            "wrong.sh",
            "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"leak-me\"}}'\n");
    ApiConnection c =
        load(
            kubeconfig(plugin.toString(), "client.authentication.k8s.io/v1", ""),
            FakeClock.create());
    assertThatThrownBy(() -> c.credentials().bearerToken())
        .hasMessageEndingWith(
            "printed apiVersion client.authentication.k8s.io/v1beta1, kind ExecCredential (expected: an ExecCredential JSON of client.authentication.k8s.io/v1 with status.token or status.clientCertificateData and clientKeyData)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("leak-me"));
  }

  @Test
  void missingCommand_namesTheInstallHint() throws Exception {
    Path config =
        kubeconfig(
            "no-such-plugin-here",
            "client.authentication.k8s.io/v1",
            "      installHint: |\n        install it with\n        the package manager\n");
    ApiConnection c = load(config, FakeClock.create());
    assertThatThrownBy(() -> c.credentials().bearerToken())
        .hasMessageStartingWith(
            "exec plugin no-such-plugin-here (kubeconfig " + config + ", user \"u\"): cannot run: ")
        .hasMessageEndingWith(
            "(expected: the command installed; install it with the package manager)");
  }
}
