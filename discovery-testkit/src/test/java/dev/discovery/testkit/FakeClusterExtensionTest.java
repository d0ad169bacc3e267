package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.xbill.DNS.Type;

/** Runs small test classes through the JUnit Platform launcher and checks what they saw. */
class FakeClusterExtensionTest {
  static final List<Object> SEEN = new ArrayList<>();

  private static TestExecutionSummary run(Class<?> testClass) {
    SEEN.clear();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
        listener);
    return listener.getSummary();
  }

  private static void assertAllPassed(TestExecutionSummary summary, long tests) {
    if (!summary.getFailures().isEmpty()) {
      throw new AssertionError("scenario failed", summary.getFailures().get(0).getException());
    }
    assertThat(summary.getTestsSucceededCount()).isEqualTo(tests);
  }

  @Test
  void fieldsAndParameters_getTheSamePair_andADifferentOnePerTest() {
    assertAllPassed(run(FieldsAndParameters.class), 2);

    assertThat(SEEN).hasSize(4);
    FakeDnsServer first = (FakeDnsServer) SEEN.get(1);
    FakeDnsServer second = (FakeDnsServer) SEEN.get(3);
    assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(2));
    assertThat(first).isNotSameAs(second);
    assertThat(first.isRunning()).isFalse();
    assertThat(second.isRunning()).isFalse();
  }

  @Test
  void registeredExtension_appliesItsSettings() {
    assertAllPassed(run(Configured.class), 1);

    FakeDnsServer dns = (FakeDnsServer) SEEN.get(0);
    assertThat(dns.cluster().zone()).isEqualTo("example.local");
    assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(dns.isRunning()).isFalse();
  }

  @Test
  void perClassLifecycle_andNestedClasses_getAFreshPairPerTest() {
    assertAllPassed(run(PerClass.class), 3);

    assertThat(SEEN).hasSize(3).doesNotHaveDuplicates();
    assertThat(SEEN).allSatisfy(o -> assertThat(((FakeDnsServer) o).isRunning()).isFalse());
  }

  @Test
  void fieldsTheTestSetItself_areLeftAlone() {
    assertAllPassed(run(OwnField.class), 1);
  }

  @Test
  void apiServer_isInjectedOnTheSameCluster_andClosedAfterTheTest() {
    assertAllPassed(run(ApiServerInjected.class), 1);

    assertThat(SEEN).hasSize(3);
    FakeApiServer api = (FakeApiServer) SEEN.get(1);
    assertThat(SEEN.get(2)).isSameAs(api);
    URI url = api.url();
    assertThatThrownBy(() -> new Socket(url.getHost(), url.getPort()).close())
        .isInstanceOf(ConnectException.class);
  }

  @ExtendWith(FakeClusterExtension.class)
  static class ApiServerInjected {
    FakeCluster cluster;
    FakeApiServer api;

    @Test
    void servesTheCluster(FakeApiServer parameter, FakeDnsServer dns) {
      assertThat(dns.cluster()).isSameAs(cluster);
      cluster.apply(Pod.builder("shop", "web-0").build());
      ApiClient.Response pods = new ApiClient(api).get("/api/v1/namespaces/shop/pods");
      assertThat(ApiClient.items(pods)).extracting(ApiClient::name).containsExactly("web-0");
      SEEN.add(cluster);
      SEEN.add(api);
      SEEN.add(parameter);
    }
  }

  @ExtendWith(FakeClusterExtension.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class FieldsAndParameters {
    FakeCluster cluster;
    FakeDnsServer dns;

    @BeforeEach
    void setUp(FakeCluster c) {
      assertThat(c).isSameAs(cluster);
      c.apply(Service.clusterIp("shop", "api").clusterIp("127.1.0.10").port("http", 80).build());
    }

    @Test
    @Order(1)
    void first(FakeCluster c, FakeDnsServer d) throws IOException {
      assertThat(c).isSameAs(cluster);
      assertThat(d).isSameAs(dns);
      assertThat(d.cluster()).isSameAs(c);
      assertThat(
              DnsClient.rdata(
                  new DnsClient(d.address()).query("api.shop.svc.cluster.local", Type.A)))
          .containsExactly("127.1.0.10");
      SEEN.add(c);
      SEEN.add(d);
    }

    @Test
    @Order(2)
    void second() {
      assertThat(dns.isRunning()).isTrue();
      SEEN.add(cluster);
      SEEN.add(dns);
    }
  }

  static class Configured {
    @RegisterExtension
    static FakeClusterExtension k8s =
        FakeClusterExtension.builder()
            .cluster(b -> b.zone("example.local"))
            .dns(b -> b.ttl(Duration.ofSeconds(1)))
            .build();

    @Test
    void configured(FakeDnsServer dns) {
      SEEN.add(dns);
    }
  }

  @ExtendWith(FakeClusterExtension.class)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class PerClass {
    FakeDnsServer dns;

    @Test
    void one() {
      assertThat(dns.isRunning()).isTrue();
      SEEN.add(dns);
    }

    @Test
    void two() {
      assertThat(dns.isRunning()).isTrue();
      SEEN.add(dns);
    }

    @Nested
    class Inner {
      FakeDnsServer innerDns;

      @Test
      void nested() {
        assertThat(innerDns).isSameAs(dns);
        SEEN.add(innerDns);
      }
    }

    @AfterAll
    void noneLeftRunning() {
      assertThat(SEEN).allSatisfy(o -> assertThat(((FakeDnsServer) o).isRunning()).isFalse());
    }
  }

  @ExtendWith(FakeClusterExtension.class)
  static class OwnField {
    FakeCluster mine = FakeCluster.builder().zone("mine.local").build();
    FakeDnsServer dns;

    @Test
    void keepsMine() {
      assertThat(mine.zone()).isEqualTo("mine.local");
      assertThat(dns.cluster()).isNotSameAs(mine);
    }
  }
}
