package dev.discovery.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.BindServer;
import dev.discovery.testkit.DnsFault;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.clock.FakeScheduler;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/testing.md's snippets: each is a test of its own, as a user would write it. */
class TestkitExamplesTest {
  private static final InetAddress ip1 = address("127.0.1.1");
  private static final InetAddress ip2 = address("127.0.1.2");

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void fakeCluster_derivesEndpointSlicesAsKubernetesDoes() {
    // snippet:fake-cluster
    FakeCluster cluster = FakeCluster.create(); // zone cluster.local
    cluster.apply(Node.builder("node-a").zone("zone-a").build()); // address 127.2.0.1
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.apply(
        Service.nodePort("shop", "front")
            .selector("app", "web")
            .port(Service.Port.of("grpc", 443).targetPort("grpc").nodePort(30080))
            .build());
    cluster.apply(Service.externalName("shop", "db", "db.example.com").build());

    Pod web =
        Pod.builder("shop", "web")
            .label("app", "web")
            .containerPort("grpc", 50051)
            .node("node-a")
            .build();
    cluster.scale(web, 5); // web-0 .. web-4 on 127.0.1.1 .. 127.0.1.5
    cluster.setReady("shop", "web-1", false); // fails its readiness probe
    cluster.startTerminating("shop", "web-2"); // serving, terminating, not ready
    cluster.relabel("shop", "web-3", Map.of("app", "canary")); // leaves the Services
    cluster.deletePod("shop", "web-4");
    cluster.batch( // one atomic change, one event to subscribers
        tx -> {
          tx.setReady("shop", "web-0", false);
          tx.setReady("shop", "web-1", true);
        });

    List<EndpointSlice> slices = cluster.endpointSlices("shop", "web");
    // end-snippet

    assertThat(slices.stream().flatMap(s -> s.endpoints().stream()))
        .extracting(EndpointSlice.Endpoint::podName, EndpointSlice.Endpoint::ready)
        .containsExactlyInAnyOrder(
            tuple("web-0", false), tuple("web-1", true), tuple("web-2", false));
  }

  // snippet:fake-dns-server
  @Test
  void keepsTheLastGoodList_whileDnsFails() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);

    try (FakeDnsServer dns = FakeDnsServer.start(cluster); // 127.0.0.1, a free port, UDP and TCP
        Discovery discovery = Discovery.create();
        ServiceWatch web = discovery.watch(dns.target("web.shop:grpc"))) { // k8s+dns://127.0.0.1:..
      assertThat(web.first().toCompletableFuture().get(5, SECONDS).size()).isEqualTo(3);

      dns.inject(DnsFault.servfail()); // every name, until clearFaults()
      cluster.scale("shop", "web", 4);
      web.refresh();
      await().until(() -> web.lastError().isPresent());
      assertThat(web.current().orElseThrow().size()).isEqualTo(3); // the last good list

      dns.clearFaults();
      await().until(() -> web.current().orElseThrow().size() == 4);
    }
  }

  // end-snippet

  // snippet:fake-api-server
  @Test
  void servesTheClusterOverTheKubernetesApi() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(Service.clusterIp("shop", "web").selector("app", "web").port("http", 80).build());
    cluster.scale(Pod.builder("shop", "web").label("app", "web").build(), 3);

    try (FakeApiServer api = FakeApiServer.builder(cluster).plainHttp().start()) {
      // kubectl, client-java or the k8s+api source would take api.kubeconfig() (HTTPS by default).
      URI slices =
          api.url()
              .resolve(
                  "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
                      + "?labelSelector=kubernetes.io/service-name%3Dweb");
      HttpRequest list =
          HttpRequest.newBuilder(slices).header("Authorization", "Bearer " + api.token()).build();
      HttpClient http = HttpClient.newHttpClient();

      HttpResponse<String> ok = http.send(list, HttpResponse.BodyHandlers.ofString());
      assertThat(ok.body()).contains("\"kind\":\"EndpointSliceList\"");

      api.faults().forbid("list", "endpointslices", "shop");
      HttpResponse<String> denied = http.send(list, HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(403); // a Status object, as the real server writes

      assertThat(api.requests().count("list", "endpointslices")).isEqualTo(2);
    }
  }

  // end-snippet

  // snippet:fake-resolver
  @Test
  void keepsItsEndpoints_whenTheSourceFails() {
    FakeResolver fake = FakeResolver.create();
    FakeScheduler scheduler = FakeScheduler.create(); // timers run when the test advances it
    try (Discovery discovery =
            Discovery.builder()
                .provider(fake)
                .clock(scheduler.clock())
                .scheduler(scheduler)
                .build();
        ServiceWatch web = discovery.watch("fake:///web.shop:grpc")) {
      FakeTarget target = fake.target("fake:///web.shop:grpc");
      target.publish(Endpoint.of(ip1, 8080), Endpoint.of(ip2, 8080)); // HEADLESS, source fake
      target.fail(ResolutionError.unavailable("DNS server down"));

      assertThat(web.current().orElseThrow().size()).isEqualTo(2);
      assertThat(web.lastError()).contains(ResolutionError.unavailable("DNS server down"));
      web.refresh();
      assertThat(target.refreshes()).isEqualTo(1);
      scheduler.advance(Duration.ofSeconds(30));
      assertThat(web.staleness()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  // end-snippet

  // snippet:bind-server
  @Test
  void bindServesTheSameCluster() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);

    try (BindServer bind = BindServer.builder(cluster).ttl(Duration.ofSeconds(1)).start();
        Discovery discovery = Discovery.create();
        ServiceWatch web =
            discovery.watch("k8s+dns://127.0.0.1:" + bind.port() + "/web.shop:grpc")) {
      assertThat(web.first().toCompletableFuture().get(5, SECONDS).size()).isEqualTo(3);

      cluster.scale("shop", "web", 5);
      bind.sync(); // RFC 2136 updates: only what changed
      await().until(() -> web.current().orElseThrow().size() == 5);
    }
  }
  // end-snippet
}
