package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Affinity;
import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import dev.discovery.k8s.internal.ClusterDefaults;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input tried at each public surface of the Kubernetes sources, and the one-line error it
 * gets: target strings (thrown by {@code Discovery.watch}, or the watch's error when only the
 * resolver can tell), the builders of the providers, backoff and affinity, the policy options that
 * gRPC's service config carries, kubeconfig files and resolv.conf. Each message is asserted whole;
 * the table is printed as Markdown. Nothing is dialled: the addresses are data.
 */
class BadInputTest {
  private static final String LONG_NAME =
      "web."
          + "a".repeat(63)
          + ".svc."
          + "b".repeat(63)
          + "."
          + "c".repeat(63)
          + "."
          + "d".repeat(63);
  private static Path dir;
  private static final StringBuilder TABLE = new StringBuilder();

  @BeforeAll
  static void dir() throws IOException {
    dir = Files.createTempDirectory("bad-input");
  }

  @AfterAll
  static void print() {
    System.out.println("| surface | input | error |\n| --- | --- | --- |\n" + TABLE);
  }

  /** One bad input: where it goes, what it is, the message it must get. */
  record Case(String surface, String input, Callable<?> attempt, String message) {
    @Override
    public String toString() {
      return surface + ": " + input;
    }
  }

  private static Case c(String surface, String input, Callable<?> attempt, String message) {
    return new Case(surface, input, attempt, message);
  }

  /** {@code Discovery.watch(target)} with the default providers and an empty environment. */
  private static Callable<?> watch(String target) {
    return watch(Environment.empty(), target);
  }

  /** The exception {@code watch} throws, or the error its watch reports. */
  private static Callable<?> watch(Environment environment, String target) {
    return () -> {
      try (Discovery d =
          Discovery.builder()
              .environment(environment)
              .registry(ResolverRegistry.defaultRegistry())
              .build()) {
        ServiceWatch w = d.watch(target);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.lastError().isPresent());
        throw new IllegalStateException(w.lastError().orElseThrow().toString());
      }
    };
  }

  private static Path file(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubeconfig of one cluster, user and context "k" whose cluster entry has {@code lines}. */
  private static Path kubeconfig(String name, String clusterLines) {
    return file(
        name,
        "apiVersion: v1\nkind: Config\ncurrent-context: k\nclusters:\n- name: k\n  cluster:\n"
            + "    server: https://127.0.0.1:6443\n"
            + clusterLines
            + "users:\n- name: k\n  user:\n    token: t\ncontexts:\n- name: k\n  context:\n"
            + "    cluster: k\n    user: k\n");
  }

  private static Callable<?> kubeconfigBuild(Path file) {
    return () -> ApiResolverProvider.builder().kubeconfig(file).build();
  }

  private static Environment resolvConf(String text) {
    return Environment.of(Map.of(), Map.of(ClusterDefaults.RESOLV_CONF, text));
  }

  static Stream<Case> cases() {
    return Stream.of(
        c(
            "target",
            "web.shop",
            watch("web.shop"),
            "target: \"web.shop\" has no scheme (expected: <scheme>://[authority]/<path>, e.g. k8s:///web.shop:grpc or static:///10.0.0.1:80)"),
        c(
            "target",
            "http:///web",
            watch("http:///web"),
            "scheme: \"http\" in \"http:///web\" has no resolver installed (expected one of: k8s, k8s+api, k8s+dns, static)"),
        c(
            "target",
            "k8s://10.96.0.10/web",
            watch("k8s://10.96.0.10/web"),
            "authority: \"10.96.0.10\" on scheme k8s (expected: none, as in k8s:///web.shop; to name a server use k8s+dns://<dns-server>/... or k8s+api://<api-server>/...) in target \"k8s://10.96.0.10/web\""),
        c(
            "target",
            "k8s:///1web",
            watch("k8s:///1web"),
            "service: \"1web\" does not start with a letter (expected: a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter and ending with a letter or digit) in target \"k8s:///1web\""),
        c(
            "target",
            "k8s:///web_1",
            watch("k8s:///web_1"),
            "service: \"web_1\" has '_' (expected: a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter and ending with a letter or digit) in target \"k8s:///web_1\""),
        c(
            "target",
            "k8s:///web.shop.cluster.local",
            watch("k8s:///web.shop.cluster.local"),
            "name: \"web.shop.cluster.local\": third label \"cluster\" (expected: \"svc\", as in <service>.<namespace>.svc.<zone>) in target \"k8s:///web.shop.cluster.local\""),
        c(
            "target",
            "k8s:///web:65536",
            watch("k8s:///web:65536"),
            "port: 65536 (expected: 1..65535) in target \"k8s:///web:65536\""),
        c(
            "target",
            "k8s:///web:grpc_web",
            watch("k8s:///web:grpc_web"),
            "port name: \"grpc_web\" has '_' (expected: an IANA service name: 1-15 characters of a-z, 0-9 and '-', with at least one letter, no leading, trailing or double '-') in target \"k8s:///web:grpc_web\""),
        c(
            "target",
            "k8s:///web.<63 a>.svc.<63 b>.<63 c>.<63 d>",
            watch("k8s:///" + LONG_NAME),
            "name: 263 characters (expected: a DNS name of at most 253 characters, namespace, svc and zone included) in target \"k8s:///web.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.svc.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\""),
        c(
            "target",
            "k8s+dns://10.96.0.10:99999/web",
            watch("k8s+dns://10.96.0.10:99999/web"),
            "port: 99999 of DNS server \"10.96.0.10:99999\" (expected: 1..65535) in target \"k8s+dns://10.96.0.10:99999/web\""),
        c(
            "target",
            "k8s+dns://::1/web",
            watch("k8s+dns://::1/web"),
            "authority: \"::1\": an IPv6 address needs brackets (expected: the DNS server as host[:port], e.g. 10.96.0.10:53 or [::1]:53) in target \"k8s+dns://::1/web\""),
        c(
            "target",
            "k8s+dns:///web.shop:http?access=nodePort",
            watch("k8s+dns:///web.shop:http?access=nodePort"),
            "access: nodePort needs the API source (expected: k8s+api:// or k8s://) in target \"k8s+dns:///web.shop:http?access=nodePort\""),
        c(
            "target",
            "k8s+api:///web.shop?access=nodes",
            watch("k8s+api:///web.shop?access=nodes"),
            "access: \"nodes\" (expected: access=pods, access=nodePort or access=loadBalancer) in target \"k8s+api:///web.shop?access=nodes\""),
        c(
            "target",
            "static:///10.0.0.1",
            watch("static:///10.0.0.1"),
            "static address: \"10.0.0.1\": no port (expected: static:///<ip>:<port>[,<ip>:<port>...], e.g. static:///10.0.0.1:80,[::1]:80) in target \"static:///10.0.0.1\""),
        c(
            "target",
            "static:///10.0.0.1:80,10.0.0.1:80",
            watch("static:///10.0.0.1:80,10.0.0.1:80"),
            "static address: 10.0.0.1:80 appears twice (expected: no address twice) in target \"static:///10.0.0.1:80,10.0.0.1:80\""),
        c(
            "target (watch error)",
            "k8s+dns://dns.example:53/web.shop:80",
            watch("k8s+dns://dns.example:53/web.shop:80"),
            "MISCONFIGURED: DNS server \"dns.example:53\" in k8s+dns://dns.example:53/web.shop:80 is a host name (expected: an IP address, as in k8s+dns://10.96.0.10:53/...)"),
        c(
            "target (watch error)",
            "k8s+dns://10.96.0.10/web.shop (no port)",
            watch("k8s+dns://10.96.0.10/web.shop"),
            "MISCONFIGURED: k8s+dns://10.96.0.10/web.shop names no port (expected: a port number or a port name, as in k8s+dns://10.96.0.10/web.shop:8080 or k8s+dns://10.96.0.10/web.shop:grpc)"),
        c(
            "DnsResolverProvider.builder()",
            "queryTimeout(Duration.ZERO)",
            () -> DnsResolverProvider.builder().queryTimeout(Duration.ZERO),
            "queryTimeout: PT0S (expected: > 0)"),
        c(
            "DnsResolverProvider.builder()",
            "minRefresh(10s).maxRefresh(5s).build()",
            () ->
                DnsResolverProvider.builder()
                    .minRefresh(Duration.ofSeconds(10))
                    .maxRefresh(Duration.ofSeconds(5))
                    .build(),
            "maxRefresh: PT5S (expected: >= minRefresh PT10S)"),
        c(
            "DnsResolverProvider.builder()",
            "notFoundGrace(0)",
            () -> DnsResolverProvider.builder().notFoundGrace(0),
            "notFoundGrace: 0 (expected: >= 1)"),
        c(
            "DnsResolverProvider.builder()",
            "maxEndpoints(0)",
            () -> DnsResolverProvider.builder().maxEndpoints(0),
            "maxEndpoints: 0 (expected: >= 1)"),
        c(
            "DnsResolverProvider.builder()",
            "namespace(\"Shop_1\")",
            () -> DnsResolverProvider.builder().namespace("Shop_1"),
            "namespace: \"Shop_1\" has 'S' (expected: a DNS-1123 label)"),
        c(
            "DnsResolverProvider.builder()",
            "clusterDomain(\"cluster..local\")",
            () -> DnsResolverProvider.builder().clusterDomain("cluster..local"),
            "clusterDomain: \"cluster..local\": label \"\" is empty (expected: DNS-1123 labels such as cluster.local)"),
        c(
            "DnsResolverProvider.builder()",
            "server(unresolved dns.example:53)",
            () ->
                DnsResolverProvider.builder()
                    .server(InetSocketAddress.createUnresolved("dns.example", 53)),
            "server: dns.example:53 (expected: an IP address and port, not a host name)"),
        c(
            "ApiResolverProvider.builder()",
            "idleTimeout(Duration.ZERO)",
            () -> ApiResolverProvider.builder().idleTimeout(Duration.ZERO),
            "idleTimeout: PT0S (expected: > 0)"),
        c(
            "ApiResolverProvider.builder()",
            "namespace(\"Shop!\")",
            () -> ApiResolverProvider.builder().namespace("Shop!"),
            "namespace: \"Shop!\" has 'S' (expected: a DNS-1123 label)"),
        c(
            "ApiResolverProvider.builder()",
            "server(ftp://127.0.0.1:6443)",
            () ->
                ApiResolverProvider.builder()
                    .server(URI.create("ftp://127.0.0.1:6443"))
                    .token("t")
                    .build(),
            "server (set on the builder): ftp://127.0.0.1:6443 (expected: https://<host>[:<port>], e.g. https://127.0.0.1:6443)"),
        c(
            "ApiResolverProvider.builder()",
            "server(http://127.0.0.1:8001).token(\"t\")",
            () ->
                ApiResolverProvider.builder()
                    .server(URI.create("http://127.0.0.1:8001"))
                    .token("t")
                    .build(),
            "server (set on the builder): http://127.0.0.1:8001 is plain HTTP and a bearer token is configured: the token would travel unencrypted (expected: an https:// server, or no credentials, as for kubectl proxy)"),
        c(
            "ApiResolverProvider.builder()",
            "maxResponseBytes(0)",
            () -> ApiResolverProvider.builder().maxResponseBytes(0),
            "maxResponseBytes: 0 (expected: > 0)"),
        c(
            "ApiResolverProvider.builder()",
            "maxEventBytes(0)",
            () -> ApiResolverProvider.builder().maxEventBytes(0),
            "maxEventBytes: 0 (expected: > 0)"),
        c(
            "ApiResolverProvider.builder()",
            "caPem(\"not a certificate\")",
            () ->
                ApiResolverProvider.builder()
                    .server(URI.create("https://127.0.0.1:6443"))
                    .caPem("not a certificate")
                    .token("t")
                    .build(),
            "CA PEM (set on the builder): no certificate (expected: PEM -----BEGIN CERTIFICATE-----)"),
        c(
            "ApiResolverProvider.builder()",
            "tokenFile(<missing>)",
            () ->
                ApiResolverProvider.builder()
                    .server(URI.create("https://127.0.0.1:6443"))
                    .tokenFile(dir.resolve("no-token"))
                    .build(),
            "token file "
                + dir.resolve("no-token")
                + " (set on the builder): cannot read the file (expected: a readable file)"),
        c(
            "Backoff",
            "new Backoff(0s, 2, 0.5, 30s)",
            () -> new Backoff(Duration.ZERO, 2, 0.5, Duration.ofSeconds(30)),
            "initial: PT0S (expected: > 0)"),
        c(
            "Backoff",
            "new Backoff(1s, 2, 1.0, 30s)",
            () -> new Backoff(Duration.ofSeconds(1), 2, 1.0, Duration.ofSeconds(30)),
            "randomization: 1.0 (expected: 0 <= randomization < 1)"),
        c(
            "Affinity",
            "new Affinity(0s, 10)",
            () -> new Affinity(Duration.ZERO, 10),
            "timeout: 0s (expected: more than 0 and at most 86400s)"),
        c(
            "policy options (gRPC service config)",
            "sticky {affinityTimeout: \"soon\"}",
            () -> Policies.byName("sticky", Map.of("affinityTimeout", "soon")),
            "affinityTimeout: \"soon\" (expected: a duration such as \"10800s\" or \"PT3H\")"),
        c(
            "policy options (gRPC service config)",
            "sticky {affinityMaxKeys: 10}",
            () -> Policies.byName("sticky", Map.of("affinityMaxKeys", 10)),
            "option: affinityMaxKeys without affinityTimeout (expected: both, or affinityTimeout alone)"),
        c(
            "policy options (gRPC service config)",
            "policy \"round_robin_x\"",
            () -> Policies.byName("round_robin_x"),
            "policy: \"round_robin_x\" (expected one of: least_request, random, sticky)"),
        c(
            "kubeconfig",
            "missing file",
            kubeconfigBuild(dir.resolve("missing-config")),
            "kubeconfig "
                + dir.resolve("missing-config")
                + ": cannot read the file (expected: a readable kubeconfig)"),
        c(
            "kubeconfig",
            "not YAML",
            kubeconfigBuild(file("not-yaml", "clusters: [\n")),
            "kubeconfig "
                + dir.resolve("not-yaml")
                + ": not valid YAML: expected the node content, but found '<stream end>' at line 2, column 1 (expected: a kubeconfig)"),
        c(
            "kubeconfig",
            "insecure-skip-tls-verify: true",
            kubeconfigBuild(kubeconfig("insecure", "    insecure-skip-tls-verify: true\n")),
            "kubeconfig "
                + dir.resolve("insecure")
                + ", cluster \"k\": insecure-skip-tls-verify: true is refused (expected: a certificate-authority to verify the server with; or allow insecure connections explicitly)"),
        c(
            "kubeconfig",
            "certificate-authority-data not base64",
            kubeconfigBuild(kubeconfig("bad-ca", "    certificate-authority-data: '%%%'\n")),
            "kubeconfig "
                + dir.resolve("bad-ca")
                + ", cluster \"k\": certificate-authority-data is not valid base64 (expected: base64 of a PEM certificate)"),
        c(
            "kubeconfig",
            "context(\"nope\")",
            () ->
                ApiResolverProvider.builder()
                    .kubeconfig(kubeconfig("ctx", "    certificate-authority-data: ''\n"))
                    .context("nope")
                    .build(),
            "kubeconfig "
                + dir.resolve("ctx")
                + ": context \"nope\" not found (expected one of: k)"),
        c(
            "resolv.conf",
            "no nameserver line",
            watch(resolvConf("search shop.svc.cluster.local\n"), "k8s+dns:///web.shop:80"),
            "MISCONFIGURED: no DNS server to ask: resolv.conf lists none (expected: a nameserver line, a server in the target such as k8s+dns://10.96.0.10/..., or one set on DnsResolverProvider.builder().server(...))"),
        c(
            "Discovery",
            "watch after close()",
            BadInputTest::watchAfterClose,
            "discovery: closed (expected: watch before close())"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInput_getsItsOneLineError(Case c) {
    String message;
    try {
      Object result = c.attempt().call();
      throw new AssertionError(c + " was accepted: " + result);
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      message = e.getMessage();
    }
    synchronized (TABLE) {
      TABLE
          .append("| ")
          .append(c.surface())
          .append(" | `")
          .append(c.input())
          .append("` | ")
          .append(message.replace("|", "\\|"))
          .append(" |\n");
    }
    assertThat(message).doesNotContain("\n");
    assertThat(message).isEqualTo(c.message());
  }

  private static Object watchAfterClose() {
    Discovery d = Discovery.builder().environment(Environment.empty()).build();
    d.close();
    return d.watch("static:///127.0.0.1:80");
  }
}
