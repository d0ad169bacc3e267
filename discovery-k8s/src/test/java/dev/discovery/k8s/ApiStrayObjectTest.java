package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.ServiceWatch;
import dev.discovery.spi.ResolverRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An API server (or a proxy before it) that sends objects the query did not ask for: the source
 * uses only its own Service's. Served by a small loopback HTTP server whose watches stay open and
 * silent.
 */
class ApiStrayObjectTest {
  private static final String WEB =
      "{\"metadata\":{\"namespace\":\"shop\",\"name\":\"web\",\"resourceVersion\":\"5\"},"
          + "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.10\","
          + "\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080}]}}";
  // Another namespace's Service of the same name: sorts before shop/web.
  private static final String STRAY =
      "{\"metadata\":{\"namespace\":\"default\",\"name\":\"web\",\"resourceVersion\":\"4\"},"
          + "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.11\","
          + "\"ports\":[{\"name\":\"metrics\",\"port\":9100}]}}";
  private static final String SLICE =
      "{\"metadata\":{\"namespace\":\"shop\",\"name\":\"web-a\",\"resourceVersion\":\"6\","
          + "\"labels\":{\"kubernetes.io/service-name\":\"web\"}},\"addressType\":\"IPv4\","
          + "\"endpoints\":[{\"addresses\":[\"10.244.1.7\"],\"conditions\":{\"ready\":true}}],"
          + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]}";

  private final CountDownLatch over = new CountDownLatch(1);
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer server;
  private Discovery discovery;

  @AfterEach
  void stop() {
    if (discovery != null) {
      discovery.close();
    }
    over.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  @Test
  void serviceListWithAnotherNamespacesService_usesOnlyTheTargetsService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    discovery =
        Discovery.builder()
            .registry(
                ResolverRegistry.defaultRegistry()
                    .with(
                        ApiResolverProvider.builder()
                            .server(url)
                            .backoff(ApiFixture.FAST)
                            .random(new Random(7))
                            .streamingList(false)
                            .build()))
            .build();
    ServiceWatch w = discovery.watch("k8s+api:///web.shop:http");
    await()
        .atMost(ApiFixture.WAIT)
        .until(() -> w.current().isPresent() || w.lastError().isPresent());
    assertThat(w.lastError()).as("last error").isEmpty();
    assertThat(w.current().orElseThrow().endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("10.244.1.7:8080");
  }

  private void handle(HttpExchange exchange) throws IOException {
    String query = String.valueOf(exchange.getRequestURI().getQuery());
    String path = exchange.getRequestURI().getPath();
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (query.contains("watch=1")) {
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().flush();
      try {
        over.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    String items = path.endsWith("/services") ? STRAY + "," + WEB : SLICE;
    byte[] body =
        ("{\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"10\"},\"items\":[" + items + "]}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
