package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.BindServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DNS source end to end, on real time and real threads, against two DNS servers serving the
 * same FakeCluster: the testkit's FakeDnsServer and BIND's named (Debian bind9). Prints the
 * scenario table and the measured propagation delays.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsScenarioTest {
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final FakeCluster cluster = FakeCluster.create();
  private static FakeDnsServer fake;
  private static BindServer bind;
  private static Discovery discovery;
  private static final Map<String, Map<String, String>> table = new TreeMap<>();
  private static final Map<String, List<Long>> delays = new TreeMap<>();

  @BeforeAll
  static void start() {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);
    cluster.apply(
        Service.headless("shop", "solo")
            .selector("app", "solo")
            .port("http", 8080, "http")
            .build());
    cluster.apply(
        Pod.builder("shop", "solo-0").label("app", "solo").containerPort("http", 8080).build());
    cluster.apply(
        Service.clusterIp("shop", "api").selector("app", "api").port("http", 80, 8080).build());
    cluster.apply(
        Pod.builder("shop", "api-0").label("app", "api").containerPort("http", 8080).build());
    cluster.apply(Service.externalName("shop", "alias", "api.shop.svc.cluster.local").build());
    cluster.apply(
        Service.headless("shop", "churn")
            .selector("app", "churn")
            .port("grpc", 50051, "grpc")
            .build());
    cluster.scale(
        Pod.builder("shop", "churn").label("app", "churn").containerPort("grpc", 50051).build(), 2);
    fake = FakeDnsServer.builder(cluster).ttl(TTL).start();
    bind = BindServer.builder(cluster).ttl(TTL).start();
    discovery =
        Discovery.builder()
            .environment(DnsFixture.podEnvironment("shop"))
            .registry(
                ResolverRegistry.of(
                    DnsResolverProvider.builder()
                        .minRefresh(MIN_REFRESH)
                        .queryTimeout(Duration.ofSeconds(1))
                        .backoff(
                            new dev.discovery.spi.Backoff(
                                Duration.ofMillis(200), 2, 0.2, Duration.ofSeconds(1)))
                        .build()))
            .build();
  }

  @AfterAll
  static void stop() {
    System.out.println("| scenario | FakeDnsServer | BIND 9 |");
    System.out.println("| --- | --- | --- |");
    table.forEach(
        (scenario, byServer) ->
            System.out.println(
                "| "
                    + scenario
                    + " | "
                    + byServer.get("fake")
                    + " | "
                    + byServer.get("bind")
                    + " |"));
    delays.forEach(
        (server, list) -> {
          List<Long> sorted = new ArrayList<>(list);
          Collections.sort(sorted);
          System.out.printf(
              "propagation %s: %d changes, median %d ms, max %d ms%n",
              server, sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        });
    if (discovery != null) {
      discovery.close();
    }
    if (fake != null) {
      fake.close();
    }
    if (bind != null) {
      bind.close();
    }
  }

  private static InetSocketAddress server(String which) {
    return which.equals("fake") ? fake.address() : bind.address();
  }

  private static String target(String which, String nameAndPort) {
    InetSocketAddress a = server(which);
    return "k8s+dns://"
        + IpAddresses.formatHost(a.getAddress())
        + ":"
        + a.getPort()
        + "/"
        + nameAndPort;
  }

  record Scenario(String name, String target, Consumer<ServiceWatch> check) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> scenarios() {
    List<Scenario> list =
        List.of(
            new Scenario(
                "headless, port name (SRV)",
                "web.shop:grpc",
                w -> {
                  EndpointSet s = set(w);
                  assertThat(s.kind()).isEqualTo(ServiceKind.HEADLESS);
                  assertThat(s.endpoints())
                      .hasSize(3)
                      .extracting(Endpoint::port)
                      .containsOnly(50051);
                  assertThat(s.endpoints()).allMatch(e -> e.hostname() != null);
                }),
            new Scenario(
                "headless, port number",
                "web.shop:9000",
                w -> {
                  assertThat(set(w).kind()).isEqualTo(ServiceKind.HEADLESS);
                  assertThat(set(w).size()).isEqualTo(3);
                }),
            new Scenario(
                "one-pod headless, port name (SRV target)",
                "solo.shop:http",
                w -> assertThat(set(w).kind()).isEqualTo(ServiceKind.HEADLESS)),
            new Scenario(
                "one-pod headless, port number (PTR)",
                "solo.shop:8080",
                w -> assertThat(set(w).kind()).isEqualTo(ServiceKind.HEADLESS)),
            new Scenario(
                "ClusterIP, port name (SRV)",
                "api.shop:http",
                w -> {
                  assertThat(set(w).kind()).isEqualTo(ServiceKind.CLUSTER_IP);
                  assertThat(set(w).endpoints().get(0).port()).isEqualTo(80);
                }),
            new Scenario(
                "ClusterIP, port number (PTR)",
                "api.shop:80",
                w -> assertThat(set(w).kind()).isEqualTo(ServiceKind.CLUSTER_IP)),
            new Scenario(
                "ExternalName (CNAME chased by the client)",
                "alias.shop:80",
                w -> {
                  assertThat(set(w).kind()).isEqualTo(ServiceKind.EXTERNAL_NAME);
                  assertThat(set(w).aliases())
                      .containsExactly(
                          "alias.shop.svc.cluster.local", "api.shop.svc.cluster.local");
                }),
            new Scenario(
                "short name via the pod's namespace",
                "web:grpc",
                w -> assertThat(set(w).size()).isEqualTo(3)),
            new Scenario(
                "unknown port name",
                "web.shop:nope",
                w -> assertThat(error(w).kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED)),
            new Scenario(
                "unknown Service",
                "ghost.shop:80",
                w -> assertThat(error(w).kind()).isEqualTo(ResolutionError.Kind.NOT_FOUND)));
    return list.stream().flatMap(s -> Stream.of(Arguments.of(s, "fake"), Arguments.of(s, "bind")));
  }

  private static EndpointSet set(ServiceWatch w) {
    await().atMost(WAIT).until(() -> w.current().isPresent() || w.lastError().isPresent());
    return w.current()
        .orElseThrow(() -> new AssertionError("no endpoints: " + w.lastError().orElse(null)));
  }

  private static ResolutionError error(ServiceWatch w) {
    await().atMost(WAIT).until(() -> w.lastError().isPresent() || w.current().isPresent());
    return w.lastError()
        .orElseThrow(() -> new AssertionError("no error: " + w.current().orElse(null)));
  }

  @Order(1)
  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("scenarios")
  void scenario(Scenario scenario, String server) {
    try (ServiceWatch w = discovery.watch(target(server, scenario.target()))) {
      try {
        scenario.check().accept(w);
        record(scenario.name(), server, "pass: " + describe(w));
      } catch (AssertionError e) {
        record(scenario.name(), server, "FAIL");
        throw e;
      }
    }
  }

  private static String describe(ServiceWatch w) {
    return w.current()
        .map(s -> s.kind() + " x" + s.size())
        .orElseGet(() -> w.lastError().orElseThrow().kind().toString());
  }

  private static synchronized void record(String scenario, String server, String outcome) {
    table.computeIfAbsent(scenario, k -> new TreeMap<>()).put(server, outcome);
  }

  /**
   * 20 changes (a pod added, then removed), each of which must reach the watch. The delays from the
   * DNS change to the listener are printed, not asserted: times belong in discovery-bench.
   */
  @Order(2)
  @ParameterizedTest(name = "via {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"fake", "bind"})
  void podsAddedAndRemoved_eachReachTheWatch(String server) throws Exception {
    BlockingQueue<EndpointSet> changes = new ArrayBlockingQueue<>(100);
    try (ServiceWatch w = discovery.watch(target(server, "churn.shop:grpc"))) {
      w.subscribe(
          e -> {
            if (e instanceof WatchEvent.Changed c) {
              changes.add(c.current());
            }
          });
      assertThat(changes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
      List<Long> measured = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int want = i % 2 == 0 ? 3 : 2;
        long start = System.nanoTime();
        cluster.scale("shop", "churn", want);
        if (server.equals("bind")) {
          bind.sync();
        }
        EndpointSet seen = changes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(seen).as("change %d reached the watch", i).isNotNull();
        assertThat(seen.size()).isEqualTo(want);
        measured.add(ms);
      }
      delays.put(server, measured);
    }
  }

  @Order(3)
  @Test
  void bindKilledAndRestarted_keepsTheLastGoodList_andRecovers() {
    try (ServiceWatch w = discovery.watch(target("bind", "web.shop:grpc"))) {
      EndpointSet good = set(w);
      bind.stop();
      await().atMost(WAIT).until(() -> w.lastError().isPresent());
      assertThat(w.lastError().orElseThrow().kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
      assertThat(w.current()).contains(good);

      cluster.scale("shop", "web", 4);
      bind.restart();
      bind.sync();
      await()
          .atMost(WAIT)
          .until(() -> w.current().orElseThrow().size() == 4 && w.lastError().isEmpty());
      record(
          "server killed and restarted", "bind", "pass: kept " + good.size() + ", recovered to 4");
    } finally {
      cluster.scale("shop", "web", 3);
      bind.sync();
    }
  }

  @Order(4)
  @Test
  void fakeServerKilledAndRestarted_keepsTheLastGoodList_andRecovers() {
    try (ServiceWatch w = discovery.watch(target("fake", "web.shop:grpc"))) {
      EndpointSet good = set(w);
      fake.stop();
      await().atMost(WAIT).until(() -> w.lastError().isPresent());
      assertThat(w.current()).contains(good);
      cluster.scale("shop", "web", 4);
      fake.restart();
      await()
          .atMost(WAIT)
          .until(() -> w.current().orElseThrow().size() == 4 && w.lastError().isEmpty());
      record(
          "server killed and restarted", "fake", "pass: kept " + good.size() + ", recovered to 4");
    }
  }
}
