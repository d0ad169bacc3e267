package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.OutlierEjection;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import dev.discovery.testkit.clock.FakeScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/java-api.md's and docs/policies.md's snippets against a resolver the test drives, on a fake
 * scheduler (everything runs on the test's thread).
 */
class JavaApiTest {
  private final FakeResolver fake = FakeResolver.create();
  private final FakeScheduler scheduler = FakeScheduler.create();
  private Discovery discovery;
  private ServiceWatch web;
  private FakeTarget target;

  @BeforeEach
  void watch() {
    discovery =
        Discovery.builder().provider(fake).clock(scheduler.clock()).scheduler(scheduler).build();
    web = discovery.watch("fake:///web.shop:grpc");
    target = fake.target("fake:///web.shop:grpc");
  }

  @AfterEach
  void close() {
    discovery.close();
  }

  private static Endpoint pod(int n) throws Exception {
    return Endpoint.of(InetAddress.getByName("127.0.1." + n), 50051);
  }

  @Test
  void watchEvents_printsChangesFailuresAndRecoveries() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    JavaApi.printEvents(web, out);
    target.publish(pod(1), pod(2));
    target.fail(ResolutionError.unavailable("DNS server 10.96.0.10:53 did not answer"));
    target.publish(pod(1), pod(2));

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "changed: HEADLESS source=fake revision=1 endpoints=2 ready=2",
            "failed: UNAVAILABLE: DNS server 10.96.0.10:53 did not answer (last success PT0S ago)",
            "recovered: HEADLESS source=fake revision=1 endpoints=2 ready=2");
  }

  @Test
  void firstSnapshot_isEmptyWhileFailing_andTheSnapshotOnceResolved() throws Exception {
    target.fail(ResolutionError.notFound("no such Service"));
    assertThat(JavaApi.firstSnapshot(web)).isEmpty();

    target.publish(pod(1));
    assertThat(JavaApi.firstSnapshot(web)).map(EndpointSet::size).contains(1);
  }

  @Test
  void pickOrExplain_isEmptyBeforeAnyEndpoint_thenPicks() throws Exception {
    Balancer balancer = web.balancer(Policies.random());
    assertThat(JavaApi.pickOrExplain(balancer)).isEmpty();

    target.publish(pod(1));
    assertThat(JavaApi.pickOrExplain(balancer)).contains(pod(1));
  }

  @Test
  void stickyAffinity_keepsAKeyOnItsPod_evenWhenAPodJoins() throws Exception {
    target.publish(pod(1), pod(2), pod(3));
    Balancer sessions = JavaApi.withAffinity(web);
    List<String> keys = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    List<Endpoint> before = keys.stream().map(sessions::pick).toList();

    target.publish(pod(1), pod(2), pod(3), pod(4));
    scheduler.advance(Duration.ofMinutes(10));

    assertThat(sessions.policy().name()).isEqualTo("sticky");
    assertThat(keys.stream().map(sessions::pick).toList()).isEqualTo(before);
  }

  @Test
  void callFeedback_ejectsAPodWhoseCallsFail() throws Exception {
    target.publish(pod(1), pod(2), pod(3));
    Balancer balancer =
        web.balancer(
            Policies.withOutlierEjection(Policies.leastRequest(), OutlierEjection.defaults()));
    Endpoint failing = pod(2);
    for (int i = 0; i < 100; i++) {
      JavaApi.callOnce(balancer, e -> !e.equals(failing));
    }
    scheduler.runDueTasks(); // the balancer rebuilds its picker without the ejected pod
    for (int i = 0; i < 100; i++) {
      assertThat(JavaApi.callOnce(balancer, e -> true)).isNotEqualTo(failing);
    }
  }

  @Test
  void customPolicy_isFoundByName_andPicksTheFirstEndpoint() throws Exception {
    target.publish(pod(3), pod(1), pod(2));

    Balancer primary = web.balancer(Policies.byName("primary"));

    assertThat(Policies.names()).contains("primary");
    assertThat(primary.pick()).isEqualTo(pod(1));
    target.publish(pod(3), pod(2));
    assertThat(primary.pick()).isEqualTo(pod(2));
  }

  @Test
  void dnsSource_resolvesAServiceInTheDefaultNamespace() throws Exception {
    try (Shop shop = Shop.start();
        Discovery dns = DnsSource.discovery(shop.dns.address());
        ServiceWatch w = dns.watch("k8s:///web:grpc")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> w.current().isPresent());

      assertThat(w.current().orElseThrow().summary())
          .isEqualTo(
              "HEADLESS source=dns (not in a cluster, no kubeconfig) revision=1 endpoints=3 ready=3");
    }
  }
}
