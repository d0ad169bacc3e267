package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SDK promises about trust and secrets, end to end: TLS to the API server is always
 * verified (a wrong CA is an error naming the CA's source, never a fall-back to an unverified
 * connection; a kubeconfig's {@code insecure-skip-tls-verify} is refused unless allowed), a bearer
 * token never shows in logs, errors or any object's {@code toString}, and every size limit on what
 * a server sends is enforced with an error that names it.
 */
class SecurityTest {
  private static final String TOKEN = "tok-7c1e93b5d2a84f06-do-not-print";
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();

  @TempDir Path dir;

  private static void web(FakeCluster cluster, int pods) {
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    cluster.scale(WEB, pods);
  }

  @Test
  void wrongCa_isAClearError_andNoRequestEverReachesTheServer() throws Exception {
    try (ApiFixture f = new ApiFixture();
        FakeApiServer other = FakeApiServer.start(FakeCluster.create())) {
      web(f.cluster, 1);
      f.start(f.explicit().caPem(other.caCertificatePem()).token(f.api.token()).build());
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      ResolutionError error = f.awaitError(w, e -> true);
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
      assertThat(error.message())
          .contains(f.api.url().toString())
          .contains("CA PEM (set on the builder)")
          .doesNotContain("\n");
      // Retries go on with backoff; none falls back to an unverified connection.
      assertThat(f.api.requests().all()).as("requests that passed TLS").isEmpty();
      assertThat(w.current()).isEmpty();
    }
  }

  @Test
  void insecureSkipTlsVerify_inAKubeconfig_isRefusedUnlessAllowed() throws Exception {
    try (FakeApiServer api = FakeApiServer.start(FakeCluster.create())) {
      String insecure =
          Files.readString(api.kubeconfig())
              .replaceAll("certificate-authority-data: .*", "insecure-skip-tls-verify: true");
      Path kubeconfig = Files.writeString(dir.resolve("config"), insecure);
      assertThatThrownBy(() -> ApiResolverProvider.builder().kubeconfig(kubeconfig).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith(
              "insecure-skip-tls-verify: true is refused (expected: a certificate-authority to"
                  + " verify the server with; or allow insecure connections explicitly)");
    }
  }

  /**
   * A distinctive token refused with 401 and then, accepted, with 403 on the slices: it is in no
   * log line (captured from System.err, where slf4j-simple writes), no error, no toString.
   */
  @Test
  void token_neverInLogsErrorsOrToString() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    StringBuilder shown = new StringBuilder();
    try (ApiFixture f = new ApiFixture(FakeCluster.create())) {
      web(f.cluster, 2);
      Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
      f.api.faults().unauthorized(TOKEN);
      ApiResolverProvider.Builder builder = f.explicit().tokenFile(tokenFile);
      ApiResolverProvider provider = builder.build();
      ApiResolverProvider withToken = f.explicit().token(TOKEN).build();
      f.start(provider);
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      ResolutionError unauthorized =
          f.awaitError(w, e -> e.kind() == ResolutionError.Kind.PERMISSION_DENIED);
      assertThat(f.api.requests().matching(r -> r.status() == 401)).isNotEmpty();
      assertThat(unauthorized.message()).contains("did not accept the credential");

      // The server now takes the token but forbids the slices: 403.
      String accepted = f.api.faults().rotateToken(Duration.ofHours(1));
      f.api.faults().reset().forbid("list", "endpointslices");
      Files.writeString(tokenFile, TOKEN);
      assertThat(accepted).isNotEqualTo(TOKEN);
      ServiceWatch other = f.watch("k8s+api:///web.shop:8080");
      ResolutionError forbidden = f.awaitError(other, e -> true);

      for (Object o :
          List.of(builder, provider, withToken, f.discovery, w, other, unauthorized, forbidden)) {
        shown.append(o).append('\n');
      }
      w.lastError().ifPresent(e -> shown.append(e).append('\n'));
      w.current().map(EndpointSet::toString).ifPresent(shown::append);
    } finally {
      System.setErr(original);
    }
    assertThat(shown.toString()).doesNotContain(TOKEN);
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
  }

  /** Writes to two streams: what the test's System.err shows and what it checks. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  /** A DNS answer larger than one message: refused, naming the limit and k8s+api. */
  @Test
  void dnsAnswerSize_isLimitedToOneMessage() {
    try (DnsFixture f = new DnsFixture()) {
      f.webAndApi();
      f.cluster.scale("shop", "web", 4200);
      f.start(
          DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(10)),
          DnsFixture.podEnvironment("shop"));
      ResolutionError error = f.awaitError(f.watch("web.shop:9000"));
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
      assertThat(error.message())
          .isEqualTo(
              "DNS server 127.0.0.1:"
                  + f.dns.port()
                  + " answered web.shop.svc.cluster.local. A truncated over TCP: the records do"
                  + " not fit one DNS message of 65,535 bytes (expected: a Service small enough for"
                  + " DNS; use the Kubernetes API source, k8s+api, for one this large)");
    }
  }

  @Test
  void dnsRecordCount_isLimitedByMaxEndpoints() {
    try (DnsFixture f = new DnsFixture()) {
      f.webAndApi();
      f.start(DnsResolverProvider.builder().maxEndpoints(2), DnsFixture.podEnvironment("shop"));
      ResolutionError error = f.awaitError(f.watch("web.shop:9000"));
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
      assertThat(error.message())
          .startsWith(
              "the answer for web.shop.svc.cluster.local. holds 3 records (expected: at most 2");
    }
  }

  /** A 100 MB list: refused past 64 MiB with an error naming the limit; the next list is taken. */
  @Test
  void apiResponseSize_isLimited() throws Exception {
    try (ApiFixture f = new ApiFixture()) {
      web(f.cluster, 2);
      f.api.faults().oversizedLists(1, 100_000_000);
      f.start();
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      ResolutionError error = f.awaitError(w, e -> e.message().contains("bytes (expected:"));
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
      assertThat(error.message())
          .startsWith("the Kubernetes API at " + f.api.url() + " answered list ")
          .endsWith(
              " with more than 67108864 bytes (expected: at most 67108864; raise"
                  + " ApiResolverProvider.Builder.maxResponseBytes for a Service this large)");
      f.awaitSet(w, s -> s.size() == 2);
    }
  }

  /**
   * The limit is the builder's: a 1,000-pod Service's slices (a list of a few hundred kB) are
   * refused under maxResponseBytes(100,000), with the option named, and admitted once it is raised.
   */
  @Test
  void apiResponseSize_followsMaxResponseBytes() throws Exception {
    try (ApiFixture f = new ApiFixture()) {
      web(f.cluster, 1000);
      f.start(f.provider().maxResponseBytes(100_000).build());
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      ResolutionError error = f.awaitError(w, e -> e.message().contains("bytes (expected:"));
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
      assertThat(error.message())
          .startsWith("the Kubernetes API at " + f.api.url() + " answered list endpointslices")
          .endsWith(
              " with more than 100000 bytes (expected: at most 100000; raise"
                  + " ApiResolverProvider.Builder.maxResponseBytes for a Service this large)");
      assertThat(w.current()).as("nothing accepted").isEmpty();
    }
    try (ApiFixture f = new ApiFixture()) {
      web(f.cluster, 1000);
      f.start(f.provider().maxResponseBytes(2_000_000).build());
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      f.awaitSet(w, s -> s.size() == 1000);
      assertThat(w.lastError()).as("no list refused").isEmpty();
    }
  }

  @Test
  void sizeLimits_mustBePositive() {
    assertThatThrownBy(() -> ApiResolverProvider.builder().maxResponseBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> ApiResolverProvider.builder().maxEventBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEventBytes: -1 (expected: > 0)");
  }

  /** Only {@code KUBECONFIG=<api's kubeconfig>}, and that file. */
  private static Environment kubeconfigOf(FakeApiServer api) throws Exception {
    Path kubeconfig = api.kubeconfig();
    return Environment.of(
        Map.of("KUBECONFIG", kubeconfig.toString()),
        Map.of(kubeconfig, Files.readString(kubeconfig)));
  }

  private static final String PLAIN_HTTP_REFUSED =
      " is plain HTTP and a bearer token is configured: the token would travel unencrypted"
          + " (expected: an https:// server, or no credentials, as for kubectl proxy)";

  /**
   * A plain-HTTP API server on loopback with a token in the kubeconfig: the watch gets a
   * MISCONFIGURED error and the server never sees the token (no request at all).
   */
  @Test
  void plainHttpServer_withATokenInTheKubeconfig_isRefused_andTheTokenIsNeverSent()
      throws Exception {
    FakeCluster cluster = FakeCluster.create();
    web(cluster, 2);
    try (FakeApiServer api = FakeApiServer.builder(cluster).plainHttp().token(TOKEN).start();
        Discovery discovery = Discovery.builder().environment(kubeconfigOf(api)).build()) {
      ServiceWatch w = discovery.watch("k8s+api:///web.shop:http");
      await()
          .atMost(ApiFixture.WAIT)
          .until(() -> w.lastError().isPresent() || w.current().isPresent());
      assertThat(api.requests().matching(r -> TOKEN.equals(r.token())))
          .as("requests that carried the token over plain HTTP")
          .isEmpty();
      ResolutionError error = w.lastError().orElseThrow();
      assertThat(error.kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED);
      assertThat(error.message())
          .startsWith("server (kubeconfig " + api.kubeconfig() + ", cluster ")
          .endsWith("): " + api.url() + PLAIN_HTTP_REFUSED)
          .doesNotContain(TOKEN);
      assertThat(w.current()).isEmpty();
    }
  }

  /**
   * From the builder, a plain-HTTP server with a token, a token file or a client certificate is
   * refused in build(); without credentials (kubectl proxy) it is accepted, and its requests go out
   * anonymous (the fake server, which wants a token, answers 401).
   */
  @Test
  void plainHttpServer_fromTheBuilder_refusesCredentials_andAcceptsNone() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    web(cluster, 2);
    try (FakeApiServer api = FakeApiServer.builder(cluster).plainHttp().token(TOKEN).start()) {
      assertThatThrownBy(() -> ApiResolverProvider.builder().server(api.url()).token(TOKEN).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("server (set on the builder): " + api.url() + PLAIN_HTTP_REFUSED);
      Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
      assertThatThrownBy(
              () -> ApiResolverProvider.builder().server(api.url()).tokenFile(tokenFile).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("server (set on the builder): " + api.url() + PLAIN_HTTP_REFUSED);
      assertThatThrownBy(
              () ->
                  ApiResolverProvider.builder()
                      .server(api.url())
                      .clientCertificate(dir.resolve("c.crt"), dir.resolve("c.key"))
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "server (set on the builder): "
                  + api.url()
                  + " is plain HTTP and a client certificate is configured: plain HTTP cannot"
                  + " present it (expected: an https:// server, or no credentials, as for kubectl"
                  + " proxy)");

      try (Discovery discovery =
          Discovery.builder()
              .registry(
                  ResolverRegistry.defaultRegistry()
                      .with(ApiResolverProvider.builder().server(api.url()).build()))
              .build()) {
        ServiceWatch w = discovery.watch("k8s+api:///web.shop:http");
        ResolutionError error =
            await().atMost(ApiFixture.WAIT).until(() -> w.lastError().orElse(null), e -> e != null);
        assertThat(error.kind()).isNotEqualTo(ResolutionError.Kind.MISCONFIGURED);
        assertThat(api.requests().all())
            .as("anonymous requests over plain HTTP")
            .isNotEmpty()
            .allSatisfy(r -> assertThat(r.token()).isNull());
      }
    }
  }
}
