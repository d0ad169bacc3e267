package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.discovery.api.ResolutionError.Kind;
import dev.discovery.k8s.internal.api.ApiTransport.WatchHandler;
import dev.discovery.k8s.internal.api.ApiTransport.WatchStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ApiClient against a real HTTP server on loopback (the JDK's): framing, limits, error mapping. */
class ApiClientTest {
  private static final String TOKEN = "s3cr3t-token-value";
  private static final ApiRequest LIST_SLICES = ResourceQuery.endpointSlices("shop", "web").list();
  private static final ApiRequest WATCH_SLICES =
      ResourceQuery.endpointSlices("shop", "web").watch(Map.of("watch", "1"));

  private HttpServer server;
  private volatile Responder responder;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<String> streamed = new LinkedBlockingQueue<>();
  private ApiClient client;

  interface Responder {
    void respond(HttpExchange exchange) throws IOException, InterruptedException;
  }

  record Recorded(String pathAndQuery, String userAgent, String authorization, String accept) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              new Recorded(
                  exchange.getRequestURI().getRawPath()
                      + "?"
                      + exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders().getFirst("User-Agent"),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  exchange.getRequestHeaders().getFirst("Accept")));
          try {
            responder.respond(exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // the client went away
          } finally {
            exchange.close();
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    client =
        new ApiClient(access("http", server.getAddress().getPort()), ApiClient.Limits.defaults());
  }

  @AfterEach
  void stop() {
    client.close();
    streamed.add(END);
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  // ---- get ----

  @Test
  void get_decodesTheDocument_andSendsUserAgentAcceptAndTheCurrentAuthorization() {
    responder =
        json(200, "{\"kind\":\"EndpointSliceList\",\"metadata\":{\"resourceVersion\":\"7\"}}");

    Map<String, Object> list = client.get(LIST_SLICES).join();

    assertThat(list).containsEntry("kind", "EndpointSliceList");
    Recorded r = requests.get(0);
    assertThat(r.pathAndQuery())
        .isEqualTo(
            "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
                + "?labelSelector=kubernetes.io%2Fservice-name%3Dweb");
    assertThat(r.userAgent()).isEqualTo(client.userAgent()).startsWith("discovery/");
    assertThat(r.accept()).isEqualTo("application/json");
    assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void get_largerThanTheLimit_isRefused_withTheLimitNamed() {
    client.close();
    client =
        new ApiClient(
            access("http", server.getAddress().getPort()),
            new ApiClient.Limits(1000, 1000, Duration.ofSeconds(5), Duration.ofSeconds(5)));
    String big = "{\"items\":[\"" + "x".repeat(5000) + "\"]}";
    responder = chunked(200, big.substring(0, 600), big.substring(600));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.error().kind()).isEqualTo(Kind.INVALID_ANSWER);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " answered list endpointslices.discovery.k8s.io in namespace shop with more than"
                + " 1000 bytes (expected: at most 1000; raise"
                + " ApiResolverProvider.Builder.maxResponseBytes for a Service this large)");
  }

  @Test
  void unauthorized_namesTheCredentialAndItsOrigin_neverItsValue() {
    responder = json(401, status(401, "Unauthorized", "Unauthorized"));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.error().kind()).isEqualTo(Kind.PERMISSION_DENIED);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " did not accept the credential (401 Unauthorized on list"
                + " endpointslices.discovery.k8s.io in namespace shop): sent the bearer token in"
                + " /tmp/kube/token, from kubeconfig /tmp/kube/config, context test (expected: a"
                + " valid, unexpired credential; renew it or choose another user)")
        .doesNotContain(TOKEN);
  }

  @Test
  void forbidden_namesVerbResourceNamespace_andTheRuleToGrantAsYaml() {
    String said =
        "endpointslices.discovery.k8s.io is forbidden: User \\\"system:serviceaccount:shop:web\\\""
            + " cannot watch resource \\\"endpointslices\\\" in API group \\\"discovery.k8s.io\\\""
            + " in the namespace \\\"shop\\\"";
    responder = json(403, status(403, "Forbidden", said));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.error().kind()).isEqualTo(Kind.PERMISSION_DENIED);
    assertThat(f.error().message())
        .isEqualTo(
            "forbidden: system:serviceaccount:shop:web cannot list endpointslices.discovery.k8s.io"
                + " in namespace shop (expected: a Role granting get, list, watch on"
                + " endpointslices.discovery.k8s.io, bound to this identity: kubectl create role"
                + " discovery-reader -n shop --verb=get,list,watch"
                + " --resource=endpointslices.discovery.k8s.io && kubectl create rolebinding"
                + " discovery-reader -n shop --role=discovery-reader --serviceaccount=shop:web); "
                + server()
                + " answered 403 Forbidden to the bearer token in /tmp/kube/token; the rule as"
                + " YAML: {apiGroups: [\"discovery.k8s.io\"], resources: [\"endpointslices\"],"
                + " verbs: [\"get\", \"list\", \"watch\"]}")
        .doesNotContain("\n");
  }

  @Test
  void forbiddenClusterScoped_asksForAClusterRole() {
    responder = json(403, status(403, "Forbidden", "nodes is forbidden"));

    ApiFailure f = failureOf(() -> client.get(ResourceQuery.nodes().list()).join());

    assertThat(f.error().message())
        .contains("a ClusterRole granting get, list, watch on nodes")
        .endsWith(
            "the rule as YAML: {apiGroups: [\"\"], resources: [\"nodes\"], verbs: [\"get\","
                + " \"list\", \"watch\"]}");
  }

  @Test
  void notFound_isNotFound_namingTheResourceAndNamespace() {
    responder =
        json(404, status(404, "NotFound", "the server could not find the requested resource"));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.error().kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " has no endpointslices.discovery.k8s.io in namespace shop (404 NotFound: the"
                + " server could not find the requested resource) (expected: the namespace to"
                + " exist and the server to serve discovery.k8s.io/v1)");
  }

  @Test
  void expired_isItsOwnOutcome() {
    responder = json(410, status(410, "Expired", "too old resource version: 5 (90)"));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.expired()).isTrue();
    assertThat(f.status()).isEqualTo(410);
  }

  @Test
  void tooManyRequests_carriesRetryAfterInSeconds() {
    responder =
        exchange -> {
          exchange.getResponseHeaders().add("Retry-After", "7");
          send(exchange, 429, status(429, "TooManyRequests", "too many requests"));
        };

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(f.error().kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " is throttling (429 TooManyRequests on list endpointslices.discovery.k8s.io in"
                + " namespace shop): retrying after 7 s");
  }

  @Test
  void serverError_isUnavailable_withTheServersWords() {
    responder = json(503, status(503, "ServiceUnavailable", "etcdserver: leader changed"));

    ApiFailure f = failureOf(() -> client.get(LIST_SLICES).join());

    assertThat(f.error().kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " answered 503 ServiceUnavailable to list endpointslices.discovery.k8s.io in"
                + " namespace shop: etcdserver: leader changed");
  }

  @Test
  void connectionRefused_saysSoInOneLine() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (ApiClient refused =
        new ApiClient(access("http", closedPort), ApiClient.Limits.defaults())) {
      ApiFailure f = failureOf(() -> refused.get(LIST_SLICES).join());

      assertThat(f.error().message())
          .isEqualTo(
              "cannot reach the Kubernetes API at http://127.0.0.1:"
                  + closedPort
                  + ": connection refused");
      assertThat(f.status()).isZero();
    }
  }

  @Test
  void tlsFailure_namesTheCaSource() throws IOException {
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ApiClient tls =
            new ApiClient(access("https", plain.getLocalPort()), ApiClient.Limits.defaults())) {
      Thread answer =
          new Thread(
              () -> {
                try (var socket = plain.accept()) {
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  // the test fails on the client's side
                }
              });
      answer.setDaemon(true);
      answer.start();

      ApiFailure f = failureOf(() -> tls.get(LIST_SLICES).join());

      assertThat(f.error().kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(f.error().message())
          .startsWith(
              "TLS with the Kubernetes API at https://127.0.0.1:"
                  + plain.getLocalPort()
                  + " failed: ")
          .endsWith(
              "(expected: a server certificate for 127.0.0.1 signed by the CA in /tmp/kube/ca.crt)")
          .doesNotContain("\n")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void untrustedCertificate_saysItIsNotSignedByTheConfiguredCa() {
    var pkix =
        new javax.net.ssl.SSLHandshakeException(
            "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException:"
                + " unable to find valid certification path to requested target");

    ApiFailure f =
        ApiErrors.forThrowable(
            access("https", 6443), LIST_SLICES, new CompletionException(new IOException(pkix)));

    assertThat(f.error().message())
        .isEqualTo(
            "TLS with the Kubernetes API at https://127.0.0.1:6443 failed: the server's"
                + " certificate is not signed by a trusted CA (expected: a server certificate for"
                + " 127.0.0.1 signed by the CA in /tmp/kube/ca.crt)");
  }

  // ---- watch ----

  @Test
  void watch_deliversOneEventPerLine_howeverChunksSplitThem_thenEndsCleanly() {
    responder = streaming();
    Events events = new Events();
    client.watch(WATCH_SLICES, events);

    await().atMost(Duration.ofSeconds(10)).until(() -> events.opened);
    streamed.add(
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n{\"type\":\"MOD");
    streamed.add("IFIED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}\r\n\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> events.events.size() == 2);
    streamed.add("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}");
    streamed.add(END);

    await().atMost(Duration.ofSeconds(10)).until(() -> events.end != null);
    assertThat(events.events)
        .extracting(e -> e.get("type"))
        .containsExactly("ADDED", "MODIFIED", "BOOKMARK");
    assertThat(events.end).isEmpty();
    assertThat(requests.get(0).pathAndQuery()).endsWith("&watch=1");
    assertThat(requests.get(0).userAgent()).startsWith("discovery/");
  }

  @Test
  void watch_errorEventWith410_endsTheStreamAsExpired() {
    responder = streaming();
    Events events = new Events();
    client.watch(WATCH_SLICES, events);

    streamed.add(
        "{\"type\":\"ERROR\",\"object\":"
            + status(410, "Expired", "too old resource version: 3 (80)")
            + "}\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> events.end != null);
    assertThat(events.end).hasValueSatisfying(f -> assertThat(f.expired()).isTrue());
    assertThat(events.events).isEmpty();
  }

  @Test
  void watch_lineLongerThanTheLimit_endsTheStreamAsAnInvalidAnswer() {
    client.close();
    client =
        new ApiClient(
            access("http", server.getAddress().getPort()),
            new ApiClient.Limits(1 << 20, 100, Duration.ofSeconds(5), Duration.ofSeconds(5)));
    responder = streaming();
    Events events = new Events();
    client.watch(WATCH_SLICES, events);

    streamed.add("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n");
    streamed.add("{\"type\":\"ADDED\",\"object\":{\"x\":\"" + "y".repeat(500) + "\"}}\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> events.end != null);
    assertThat(events.events).hasSize(1);
    ApiFailure f = events.end.orElseThrow();
    assertThat(f.error().kind()).isEqualTo(Kind.INVALID_ANSWER);
    assertThat(f.error().message())
        .isEqualTo(
            "the Kubernetes API at "
                + server()
                + " sent a watch event longer than 100 bytes on watch"
                + " endpointslices.discovery.k8s.io in namespace shop (expected: at most 100; raise"
                + " ApiResolverProvider.Builder.maxEventBytes for a Service this large)");
  }

  @Test
  void watch_malformedLine_endsTheStreamAsAnInvalidAnswer() {
    responder = streaming();
    Events events = new Events();
    client.watch(WATCH_SLICES, events);

    streamed.add("{\"type\":\"ADDED\",\"obj\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> events.end != null);
    assertThat(events.end.orElseThrow().error().message())
        .startsWith(
            "the Kubernetes API at " + server() + " sent a watch event that is not a JSON object (")
        .endsWith(
            ") on watch endpointslices.discovery.k8s.io in namespace shop (expected: one JSON"
                + " object per line)")
        .doesNotContain("\n");
  }

  @Test
  void watch_refusedWithAStatus_endsWithThatFailure_withoutOpening() {
    responder = json(422, status(422, "Invalid", "sendInitialEvents is forbidden for watch"));
    Events events = new Events();
    client.watch(WATCH_SLICES, events);

    await().atMost(Duration.ofSeconds(10)).until(() -> events.end != null);
    assertThat(events.opened).isFalse();
    assertThat(events.end).hasValueSatisfying(f -> assertThat(f.rejectedAsInvalid()).isTrue());
  }

  @Test
  void watch_cancelled_hearsNothingMore() {
    responder = streaming();
    Events events = new Events();
    WatchStream stream = client.watch(WATCH_SLICES, events);
    streamed.add("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> events.events.size() == 1);

    stream.cancel();
    streamed.add("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}\n");
    streamed.add(END);

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> events.events.size() == 1 && events.end == null);
  }

  // ---- helpers ----

  private static final String END = "\u0000end";

  private String server() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static ApiServerAccess access(String scheme, int port) {
    return new ApiServerAccess() {
      @Override
      public URI server() {
        return URI.create(scheme + "://127.0.0.1:" + port);
      }

      @Override
      public SSLContext sslContext() {
        try {
          return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public Supplier<Optional<String>> authorization() {
        return () -> Optional.of("Bearer " + TOKEN);
      }

      @Override
      public String credentialDescription() {
        return "the bearer token in /tmp/kube/token";
      }

      @Override
      public String originDescription() {
        return "kubeconfig /tmp/kube/config, context test";
      }

      @Override
      public String caDescription() {
        return "the CA in /tmp/kube/ca.crt";
      }
    };
  }

  private static String status(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\""
        + message
        + "\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
  }

  private static Responder json(int code, String body) {
    return exchange -> send(exchange, code, body);
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Responder chunked(int code, String... parts) {
    return exchange -> {
      exchange.sendResponseHeaders(code, 0);
      OutputStream out = exchange.getResponseBody();
      for (String part : parts) {
        out.write(part.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.close();
    };
  }

  /** A 200 whose body is what the test puts in {@link #streamed}, flushed piece by piece. */
  private Responder streaming() {
    return exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (true) {
        String piece = streamed.poll(20, TimeUnit.SECONDS);
        if (piece == null || piece.equals(END)) {
          break;
        }
        out.write(piece.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.close();
    };
  }

  private static ApiFailure failureOf(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(ApiException.class);
      return ((ApiException) e.getCause()).failure();
    }
    throw new AssertionError("expected the call to fail");
  }

  static final class Events implements WatchHandler {
    volatile boolean opened;
    final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
    volatile Optional<ApiFailure> end;

    @Override
    public void onOpen() {
      opened = true;
    }

    @Override
    public void onEvent(Map<String, Object> event) {
      events.add(event);
    }

    @Override
    public void onEnd(Optional<ApiFailure> failure) {
      end = failure;
    }
  }
}
