package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import dev.discovery.testkit.clock.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/observability.md's snippets, against a resolver the test drives, on a fake scheduler. */
class ObservabilityTest {
  private final FakeResolver fake = FakeResolver.create();
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final Discovery discovery =
      Discovery.builder().provider(fake).clock(scheduler.clock()).scheduler(scheduler).build();

  @AfterEach
  void close() {
    discovery.close();
  }

  private static Endpoint pod(int n, boolean ready) throws Exception {
    return Endpoint.builder(InetAddress.getByName("127.0.1." + n), 50051).ready(ready).build();
  }

  @Test
  void healthCheck_failsWhileAWatchedServiceHasNoReadyEndpoint() throws Exception {
    discovery.watch("fake:///web.shop:grpc");
    FakeTarget web = fake.target("fake:///web.shop:grpc");

    web.publish(pod(1, false));
    assertThat(Observability.healthy(discovery)).isFalse();

    web.publish(pod(1, false), pod(2, true));
    assertThat(Observability.healthy(discovery)).isTrue();
  }

  @Test
  void metricsBind_registersTheEndpointGaugesOfEachWatch() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Observability.bindMetrics(discovery, registry);
    discovery.watch("fake:///web.shop:grpc");
    fake.target("fake:///web.shop:grpc").publish(pod(1, true), pod(2, true), pod(3, false));

    assertThat(
            registry
                .get("discovery.endpoints")
                .tag("target", "fake:///web.shop:grpc")
                .tag("state", "ready")
                .gauge()
                .value())
        .isEqualTo(2.0);
  }
}
