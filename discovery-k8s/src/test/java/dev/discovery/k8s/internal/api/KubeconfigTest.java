package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.ResolutionError;
import dev.discovery.testkit.clock.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubeconfigTest {
  private static final String TOKEN = "s3cr3t-token-0123456789";

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static String kubeconfig(String current, String cluster, String user, String context) {
    return "apiVersion: v1\nkind: Config\n"
        + (current == null ? "" : "current-context: " + current + "\n")
        + section("clusters", cluster)
        + section("users", user)
        + section("contexts", context);
  }

  private static String section(String name, String entries) {
    return name + ":" + (entries.startsWith("[") ? " " : "\n") + entries;
  }

  private static String cluster(String name, String fields) {
    return "- name: " + name + "\n  cluster:\n" + fields;
  }

  private static final String HTTPS_SERVER = "    server: https://127.0.0.1:6443\n";

  private static String context(String name, String cluster, String user, String ns) {
    return "- name: "
        + name
        + "\n  context:\n    cluster: "
        + cluster
        + "\n"
        + (user == null ? "" : "    user: " + user + "\n")
        + (ns == null ? "" : "    namespace: " + ns + "\n");
  }

  private ApiConnection.Builder builder(Path... files) {
    return ApiConnection.builder().environment(Pki.env(Map.of())).kubeconfig(files);
  }

  private String caPem() throws Exception {
    KeyPair k = Pki.ec();
    return Pki.pem(Pki.ca(k, "test-ca"));
  }

  @Test
  void token_fromCurrentContext_sentAsBearer_neverShown() throws Exception {
    Path ca = write("ca.crt", caPem());
    Path config =
        write(
            "config",
            kubeconfig(
                "kind-kind",
                cluster("kind-kind", HTTPS_SERVER + "    certificate-authority: " + ca + "\n"),
                "- name: kind-kind\n  user:\n    token: " + TOKEN + "\n",
                context("kind-kind", "kind-kind", "kind-kind", "shop")));

    ApiConnection c = builder(config).load();

    assertThat(c.server()).hasToString("https://127.0.0.1:6443");
    assertThat(c.namespace()).isEqualTo("shop");
    assertThat(c.sslContext()).isPresent();
    assertThat(c.insecure()).isFalse();
    assertThat(c.credentials().authorizationHeader()).contains("Bearer " + TOKEN);
    assertThat(c.origin())
        .isEqualTo("kubeconfig " + config + ", context kind-kind, user kind-kind (token)");
    assertThat(c.credentialDescription())
        .isEqualTo("bearer token from token (kubeconfig " + config + ", user \"kind-kind\")");
    assertThat(c.trustSource())
        .isEqualTo(
            "certificate-authority " + ca + " (kubeconfig " + config + ", cluster \"kind-kind\")");
    assertThat(c + " " + c.credentials() + " " + c.origin() + " " + c.credentialDescription())
        .doesNotContain(TOKEN);
  }

  @Test
  void tokenFile_rotated_pickedUpAfterTheRereadInterval() throws Exception {
    Path token = write("token", "first-token\n");
    Path config =
        write(
            "config",
            kubeconfig(
                "c",
                cluster("k", HTTPS_SERVER),
                "- name: u\n  user:\n    tokenFile: token\n",
                context("c", "k", "u", null)));
    FakeClock clock = FakeClock.create();
    ApiConnection c = builder(config).clock(clock).load();
    assertThat(c.credentials().bearerToken()).contains("first-token");
    assertThat(c.origin()).endsWith("(token file)");
    assertThat(c.credentialDescription()).contains("tokenFile " + token);

    Files.writeString(token, "second-token");
    clock.advance(Duration.ofSeconds(59));
    assertThat(c.credentials().bearerToken()).contains("first-token");
    clock.advance(Duration.ofSeconds(1));
    assertThat(c.credentials().bearerToken()).contains("second-token");

    Files.delete(token); // mid-rotation: the last good token stays
    clock.advance(Duration.ofMinutes(1));
    assertThat(c.credentials().bearerToken()).contains("second-token");

    Files.writeString(token, "third-token");
    c.credentials().refresh(); // after a 401: read again now
    assertThat(c.credentials().bearerToken()).contains("third-token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA PKCS#8", "RSA PKCS#1", "EC PKCS#8", "EC SEC1"})
  void clientCertificate_eachKeyFormat_loadsTheSameKey(String format) throws Exception {
    KeyPair caKeys = Pki.ec();
    X509Certificate ca = Pki.ca(caKeys, "ca");
    KeyPair keys = format.startsWith("RSA") ? Pki.rsa() : Pki.ec();
    X509Certificate cert = Pki.leaf(keys, "user", ca, caKeys.getPrivate());
    String keyPem =
        format.endsWith("PKCS#8")
            ? Pki.pkcs8(keys.getPrivate())
            : format.startsWith("RSA")
                ? Pki.pem(keys.getPrivate())
                : Pki.sec1((ECPrivateKey) keys.getPrivate(), true);
    assertThat(keyPem)
        .contains(
            format.endsWith("PKCS#8")
                ? "BEGIN PRIVATE KEY"
                : format.startsWith("RSA") ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
    Path certFile = write("certs/user.crt", Pki.pem(cert));
    Path keyFile = write("certs/user.key", keyPem);
    Path config =
        write(
            "config",
            kubeconfig(
                "c",
                cluster(
                    "k",
                    HTTPS_SERVER
                        + "    certificate-authority-data: "
                        + Base64.getEncoder()
                            .encodeToString(Pki.pem(ca).getBytes(StandardCharsets.UTF_8))
                        + "\n"),
                "- name: u\n  user:\n    client-certificate: certs/user.crt\n    client-key: "
                    + keyFile
                    + "\n",
                context("c", "k", "u", null)));

    ApiConnection c = builder(config).load();

    ClientKey loaded = c.credentials().clientKey().orElseThrow();
    assertThat(loaded.chain()).containsExactly(cert);
    if (keys.getPrivate() instanceof ECPrivateKey original) {
      ECPrivateKey k = (ECPrivateKey) loaded.key();
      assertThat(k.getS()).isEqualTo(original.getS());
      assertThat(k.getParams().toString()).isEqualTo(original.getParams().toString());
    } else {
      assertThat(loaded.key()).isEqualTo(keys.getPrivate());
    }
    assertThat(c.origin()).endsWith("user u (client certificate)");
    assertThat(c.credentialDescription()).contains("client-certificate " + certFile);
    assertThat(c.credentials().authorizationHeader()).isEmpty();
    assertThat(c.toString() + loaded).doesNotContain("PRIVATE");
  }

  @Test
  void sec1WithoutCurve_refusedNamingTheKey() throws Exception {
    Path key = write("u.key", Pki.sec1((ECPrivateKey) Pki.ec().getPrivate(), false));
    assertThatThrownBy(
            () ->
                ApiConnection.builder()
                    .server(java.net.URI.create("https://127.0.0.1:6443"))
                    .clientCertificate(dir.resolve("u.crt"), key)
                    .environment(Pki.env(Map.of()))
                    .load())
        .hasMessage(
            "client certificate "
                + dir.resolve("u.crt")
                + " (set on the builder): cannot read the file (expected: a readable file)");
    assertThatThrownBy(() -> Pem.privateKey(Files.readString(key), "client key " + key))
        .hasMessage(
            "client key "
                + key
                + ": EC PRIVATE KEY names no curve (expected: SEC1 with named-curve parameters, as openssl writes it)");
  }

  @Test
  void kubeconfigVariable_severalFiles_firstWinsPerName_currentContextFromTheFirstThatSetsIt()
      throws Exception {
    Path a =
        write(
            "a/config",
            kubeconfig(
                null,
                cluster("shared", "    server: https://10.0.0.1:6443\n"),
                "- name: shared\n  user:\n    token: from-a\n",
                context("shared", "shared", "shared", "from-a")));
    Path b =
        write(
            "b/config",
            kubeconfig(
                "shared",
                cluster("shared", "    server: https://10.0.0.2:6443\n")
                    + cluster("only-b", "    server: https://10.0.0.3:6443\n"),
                "- name: shared\n  user:\n    token: from-b\n",
                context("shared", "shared", "shared", "from-b")
                    + context("b-ctx", "only-b", "shared", null)));
    Path c =
        write(
            "c/config",
            kubeconfig(
                "b-ctx", cluster("x", "    server: https://10.0.0.4:6443\n"), "[]\n", "[]\n"));

    var env = Pki.env(Map.of("KUBECONFIG", a + ":" + dir.resolve("missing") + ":" + b + ":" + c));
    ApiConnection conn = ApiConnection.builder().environment(env).load();
    assertThat(conn.server()).hasToString("https://10.0.0.1:6443");
    assertThat(conn.namespace()).isEqualTo("from-a");
    assertThat(conn.credentials().bearerToken()).contains("from-a");
    assertThat(conn.origin()).startsWith("kubeconfig " + a + ", context shared");

    ApiConnection named = ApiConnection.builder().environment(env).context("b-ctx").load();
    assertThat(named.server()).hasToString("https://10.0.0.3:6443");
    assertThat(named.namespace()).isEqualTo("default");
    assertThat(named.credentials().bearerToken()).contains("from-a");
  }

  @Test
  void homeKubeconfig_usedWhenNothingElseIsSet() throws Exception {
    write(
        "home/.kube/config",
        kubeconfig("c", cluster("k", HTTPS_SERVER), "[]\n", context("c", "k", null, null)));
    ApiConnection c =
        ApiConnection.builder()
            .environment(Pki.env(Map.of("HOME", dir.resolve("home").toString())))
            .load();
    assertThat(c.origin()).contains(".kube/config, context c (no credential)");
    assertThat(c.credentialDescription()).isEqualTo("no credential (anonymous)");
  }

  @Test
  void nothingConfigured_saysWhatWasLookedFor() {
    assertThatThrownBy(
            () ->
                ApiConnection.builder().environment(Pki.env(Map.of("HOME", dir.toString()))).load())
        .isInstanceOf(ApiConfigException.class)
        .hasMessage(
            "no Kubernetes API server: not in a pod (KUBERNETES_SERVICE_HOST unset), KUBECONFIG unset and "
                + dir.resolve(".kube/config")
                + " absent (expected: one of them, or a server set explicitly)");
  }

  @Test
  void insecureSkipTlsVerify_refusedUnlessAllowed() throws Exception {
    Path config =
        write(
            "config",
            kubeconfig(
                "c",
                cluster("k", HTTPS_SERVER + "    insecure-skip-tls-verify: true\n"),
                "[]\n",
                context("c", "k", null, null)));
    assertThatThrownBy(() -> builder(config).load())
        .hasMessage(
            "kubeconfig "
                + config
                + ", cluster \"k\": insecure-skip-tls-verify: true is refused (expected: a certificate-authority to verify the server with; or allow insecure connections explicitly)");

    ApiConnection c = builder(config).allowInsecure(true).load();
    assertThat(c.insecure()).isTrue();
    assertThat(c.insecureWarning()).contains("TLS verification is off for https://127.0.0.1:6443");
    assertThat(c.toString()).contains("TLS NOT VERIFIED");
  }

  @Test
  void builder_turnsErrorsIntoIllegalArgument_andResolverIntoMisconfigured() throws Exception {
    Path config = write("config", kubeconfig("c", cluster("k", HTTPS_SERVER), "[]\n", "[]\n"));
    String message =
        "kubeconfig " + config + ": context \"c\" not found (expected one of: (none defined))";
    assertThatThrownBy(() -> builder(config).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    try {
      builder(config).load();
    } catch (ApiConfigException e) {
      assertThat(e.toResolutionError())
          .isEqualTo(new ResolutionError(ResolutionError.Kind.MISCONFIGURED, message));
      assertThat(e.getStackTrace()).isEmpty();
    }
  }

  @Test
  void namedContextMissing_listsTheContexts() throws Exception {
    Path config =
        write(
            "config",
            kubeconfig(
                "kind-kind",
                cluster("k", HTTPS_SERVER),
                "[]\n",
                context("kind-kind", "k", null, null) + context("minikube", "k", null, null)));
    assertThatThrownBy(() -> builder(config).context("prod").load())
        .hasMessage(
            "kubeconfig "
                + config
                + ": context \"prod\" not found (expected one of: kind-kind, minikube)");
  }

  @Test
  void invalidFields_eachNamedWithFileAndEntry() throws Exception {
    String user = "- name: u\n  user:\n    token: " + TOKEN + "\n";
    String where = "kubeconfig " + dir.resolve("config");
    record Case(String clusters, String users, String contexts, String message) {}
    var cases =
        java.util.List.of(
            new Case(
                cluster("k", "    certificate-authority: nope.crt\n"),
                user,
                context("c", "k", "u", null),
                where + ", cluster \"k\": no server (expected: server: https://<host>:<port>)"),
            new Case(
                cluster("k", "    server: ftp://x\n"),
                user,
                context("c", "k", "u", null),
                "server ("
                    + where
                    + ", cluster \"k\"): ftp://x (expected: https://<host>[:<port>], e.g. https://127.0.0.1:6443)"),
            new Case(
                cluster("k", HTTPS_SERVER + "    certificate-authority: nope.crt\n"),
                user,
                context("c", "k", "u", null),
                "certificate-authority "
                    + dir.resolve("nope.crt")
                    + " ("
                    + where
                    + ", cluster \"k\"): cannot read the file (expected: a readable file)"),
            new Case(
                cluster(
                    "k",
                    HTTPS_SERVER
                        + "    certificate-authority-data: "
                        + Base64.getEncoder()
                            .encodeToString("garbage".getBytes(StandardCharsets.UTF_8))
                        + "\n"),
                user,
                context("c", "k", "u", null),
                "certificate-authority-data ("
                    + where
                    + ", cluster \"k\"): no certificate (expected: PEM -----BEGIN CERTIFICATE-----)"),
            new Case(
                cluster("k", HTTPS_SERVER + "    certificate-authority-data: '%%%'\n"),
                user,
                context("c", "k", "u", null),
                where
                    + ", cluster \"k\": certificate-authority-data is not valid base64 (expected: base64 of a PEM certificate)"),
            new Case(
                cluster("k", HTTPS_SERVER),
                user,
                context("c", "nope", "u", null),
                where + ", context \"c\": cluster \"nope\" not found (expected one of: k)"),
            new Case(
                cluster("k", HTTPS_SERVER),
                user,
                context("c", "k", "ghost", null),
                where + ", context \"c\": user \"ghost\" not found (expected one of: u)"),
            new Case(
                cluster("k", HTTPS_SERVER),
                "- name: u\n  user:\n    client-certificate: u.crt\n",
                context("c", "k", "u", null),
                where
                    + ", user \"u\": client-certificate without client-key (expected: both, or neither)"),
            new Case(
                cluster("k", HTTPS_SERVER),
                "- name: u\n  user:\n    auth-provider:\n      name: gcp\n",
                context("c", "k", "u", null),
                where
                    + ", user \"u\": auth-provider is not supported (expected: token, tokenFile, client-certificate/client-key or exec)"),
            new Case(
                cluster("k", HTTPS_SERVER),
                "- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x\n",
                context("c", "k", "u", null),
                where
                    + ", user \"u\", exec: apiVersion client.authentication.k8s.io/v1alpha1 (expected one of: client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1)"),
            new Case(
                cluster("k", HTTPS_SERVER + "    insecure-skip-tls-verify: maybe\n"),
                user,
                context("c", "k", "u", null),
                where
                    + ", cluster \"k\": insecure-skip-tls-verify: maybe (expected: true or false)"),
            new Case(
                cluster("k", "    server: http://10.1.2.3:8080\n"),
                user,
                context("c", "k", "u", null),
                "server ("
                    + where
                    + ", cluster \"k\"): http://10.1.2.3:8080 is plain HTTP and a bearer token is configured: the token would travel unencrypted (expected: an https:// server, or no credentials, as for kubectl proxy)"));
    for (Case c : cases) {
      Path config = write("config", kubeconfig("c", c.clusters(), c.users(), c.contexts()));
      assertThatThrownBy(() -> builder(config).load())
          .isInstanceOf(ApiConfigException.class)
          .hasMessage(c.message())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("\n"));
    }
  }

  @Test
  void notYaml_namesLineAndColumn_withoutQuotingTheLine() throws Exception {
    Path config = write("config", "users:\n- name: u\n  user:\n    token: " + TOKEN + ": oops\n");
    assertThatThrownBy(() -> builder(config).load())
        .hasMessageStartingWith("kubeconfig " + config + ": not valid YAML: ")
        .hasMessageContaining("at line 4")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("\n"));
  }

  @Test
  void noCurrentContext_saysSo() throws Exception {
    Path config =
        write(
            "config",
            kubeconfig(null, cluster("k", HTTPS_SERVER), "[]\n", context("c", "k", null, null)));
    assertThatThrownBy(() -> builder(config).load())
        .hasMessage(
            "kubeconfig "
                + config
                + ": no current-context (expected: current-context set, or a context named; one of: c)");
  }

  @Test
  void explicitBuilder_overridesAndRefusesInsecureWithoutPermission() throws Exception {
    Path token = write("tok", TOKEN);
    ApiConnection c =
        ApiConnection.builder()
            .environment(Pki.env(Map.of()))
            .server(java.net.URI.create("https://127.0.0.1:8443/"))
            .caPem(caPem())
            .tokenFile(token)
            .namespace("shop")
            .load();
    assertThat(c.server()).hasToString("https://127.0.0.1:8443");
    assertThat(c.namespace()).isEqualTo("shop");
    assertThat(c.credentials().bearerToken()).contains(TOKEN);
    assertThat(c.credentialDescription())
        .isEqualTo("bearer token from token file " + token + " (set on the builder)");
    assertThat(c.trustSource()).isEqualTo("CA PEM (set on the builder)");

    assertThatThrownBy(
            () ->
                ApiConnection.builder()
                    .server(java.net.URI.create("https://127.0.0.1:8443"))
                    .insecureSkipTlsVerify(true)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("insecureSkipTlsVerify (set on the builder): true is refused");

    assertThatThrownBy(
            () ->
                ApiConnection.builder()
                    .server(java.net.URI.create("https://127.0.0.1:8443"))
                    .caPem("not pem")
                    .build())
        .hasMessage(
            "CA PEM (set on the builder): no certificate (expected: PEM -----BEGIN CERTIFICATE-----)");
  }
}
