package dev.discovery.testkit;

import static dev.discovery.testkit.FakeClusterTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Source;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeResolverTest {
  private static final String WEB = "fake:///web.shop:grpc";

  private final FakeResolver fake = FakeResolver.create();
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final Discovery discovery =
      Discovery.builder().provider(fake).clock(scheduler.clock()).scheduler(scheduler).build();

  @AfterEach
  void close() {
    discovery.close();
  }

  private static Endpoint endpoint(String ip, int port) {
    return Endpoint.of(ip(ip), port);
  }

  @Test
  void publish_reachesTheWatch_withTheFakeSourceAndClockTime() {
    try (ServiceWatch watch = discovery.watch(WEB)) {
      fake.target(WEB).publish(endpoint("127.0.1.2", 8080), endpoint("127.0.1.1", 8080));

      EndpointSet set = watch.current().orElseThrow();
      assertThat(set.endpoints())
          .extracting(Endpoint::hostPort)
          .containsExactly("127.0.1.1:8080", "127.0.1.2:8080");
      assertThat(set.source()).isEqualTo(Source.of("fake"));
      assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
      assertThat(set.resolvedAt()).isEqualTo(scheduler.clock().instant());
    }
  }

  @Test
  void publishBeforeTheWatchStarts_isDeliveredOnStart() {
    fake.target(WEB).kind(ServiceKind.CLUSTER_IP).publish(endpoint("127.1.0.1", 443));

    try (ServiceWatch watch = discovery.watch(WEB)) {
      assertThat(watch.current().orElseThrow().kind()).isEqualTo(ServiceKind.CLUSTER_IP);
      assertThat(watch.first().toCompletableFuture()).isCompleted();
    }
  }

  @Test
  void publishEndpointSet_isDeliveredExactly() {
    EndpointSet set =
        EndpointSet.builder(ServiceKind.NODE_PORT, Source.of("fake"))
            .add(endpoint("127.2.0.1", 30080))
            .resolvedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .ttl(Duration.ofSeconds(5))
            .build();
    try (ServiceWatch watch = discovery.watch(WEB)) {
      fake.target(WEB).publish(set);

      EndpointSet got = watch.current().orElseThrow();
      assertThat(got.endpoints()).isEqualTo(set.endpoints());
      assertThat(got.kind()).isEqualTo(ServiceKind.NODE_PORT);
      assertThat(got.ttl()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void fail_keepsTheLastGoodList_andReportsTheError() {
    try (ServiceWatch watch = discovery.watch(WEB)) {
      FakeTarget target = fake.target(WEB);
      target.publish(endpoint("127.0.1.1", 8080));

      target.fail(ResolutionError.unavailable("dns down"));

      assertThat(watch.current().orElseThrow().endpoints()).hasSize(1);
      assertThat(watch.lastError()).contains(ResolutionError.unavailable("dns down"));
    }
  }

  @Test
  void refreshAndClose_areCounted() {
    FakeTarget target = fake.target(WEB);
    ServiceWatch watch = discovery.watch(WEB);
    assertThat(target.starts()).isEqualTo(1);
    assertThat(target.openResolvers()).isEqualTo(1);

    watch.refresh();
    watch.refresh();
    watch.close();

    assertThat(target.refreshes()).isEqualTo(2);
    assertThat(target.closes()).isEqualTo(1);
    assertThat(target.openResolvers()).isZero();
  }

  @Test
  void targets_areToldApartByPort_andPublishingAfterCloseReachesNoOne() {
    ServiceWatch grpc = discovery.watch(WEB);
    ServiceWatch http = discovery.watch("fake:///web.shop:http");
    fake.target("fake:///web.shop:http").publish(endpoint("127.0.1.1", 80));

    assertThat(grpc.current()).isEmpty();
    assertThat(http.current()).isPresent();
    assertThat(fake.targets())
        .extracting(t -> t.target().toString())
        .containsExactly("fake:///web.shop:grpc", "fake:///web.shop:http");

    http.close();
    fake.target("fake:///web.shop:http").publish(endpoint("127.0.1.9", 80));
    assertThat(http.current().orElseThrow().endpoints())
        .extracting(Endpoint::port)
        .containsExactly(80);
    grpc.close();
  }

  @Test
  void target_ofAnotherScheme_isRefused() {
    assertThatThrownBy(() -> fake.target("k8s:///web.shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a fake:/// target such as fake:///web.shop:grpc");
  }
}
