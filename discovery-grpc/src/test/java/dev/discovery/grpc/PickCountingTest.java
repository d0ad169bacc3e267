package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryStatus;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Environment;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A discovery that counts picks counts a gRPC channel's picks too, per endpoint, beside its Java
 * balancers' ({@code Discovery.status()}, and with it the {@code discovery.picks} metric): every
 * call a channel makes over READY subchannels is one pick of the endpoint that served it, whether
 * the policy is keyed or not.
 */
class PickCountingTest {
  private static final int SUBNET = 252;
  private static final String TARGET = "fake:///counted.shop:grpc";

  private final FakeResolver resolver = FakeResolver.create();
  private final FakeTarget web = resolver.target(TARGET);
  private final Discovery discovery =
      Discovery.builder()
          .provider(resolver)
          .environment(Environment.empty())
          .countPicks(true)
          .build();

  @AfterEach
  void close() {
    discovery.close();
  }

  @Test
  void randomAndStickyChannels_countEachCallAsOnePickOfTheEndpointThatServedIt() {
    FakeResolverDirectory.registerFakeScheme(discovery);
    try (Pods pods = Pods.started(SUBNET, 3)) {
      web.publish(
          pods.all().stream()
              .map(p -> Endpoint.of(p.address.getAddress(), p.address.getPort()))
              .toList());
      ManagedChannel random = Calls.random(TARGET, discovery);
      ManagedChannel sticky = Calls.sticky(TARGET, discovery);
      try {
        Scenarios.awaitAnswersFrom(random, pods.all(), Duration.ofSeconds(30));
        Calls.who(sticky, "warm-up"); // its key's owner connected
        Scenarios.awaitAnswersFrom(sticky, pods.all(), Duration.ofSeconds(30));
        Map<String, Long> before = picks();

        Map<String, Long> served = new HashMap<>();
        for (int i = 0; i < 90; i++) {
          served.merge(Calls.who(random), 1L, Long::sum);
          served.merge(Calls.who(sticky, "user-" + (i % 10)), 1L, Long::sum);
        }

        Map<String, Long> after = picks();
        Map<String, Long> counted = new HashMap<>();
        after.forEach(
            (endpoint, n) -> counted.put(endpoint, n - before.getOrDefault(endpoint, 0L)));
        assertThat(counted).as("picks counted per endpoint, as served").isEqualTo(served);
        assertThat(counted.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(180);
        assertThat(status().otherPicks()).isZero();
      } finally {
        Calls.shutdown(random);
        Calls.shutdown(sticky);
      }
    }
  }

  @Test
  void aDiscoveryThatCountsNoPicks_showsNone() {
    try (Discovery plain =
            Discovery.builder().provider(resolver).environment(Environment.empty()).build();
        Pods pods = Pods.started(SUBNET + 1, 2)) {
      FakeResolverDirectory.registerFakeScheme(plain);
      web.publish(
          pods.all().stream()
              .map(p -> Endpoint.of(p.address.getAddress(), p.address.getPort()))
              .toList());
      ManagedChannel random = Calls.random(TARGET, plain);
      try {
        Scenarios.awaitAnswersFrom(random, pods.all(), Duration.ofSeconds(30));
        DiscoveryStatus.Watch w = plain.status().watch(TARGET).orElseThrow();
        assertThat(w.picks()).isEmpty();
        assertThat(w.otherPicks()).isZero();
      } finally {
        Calls.shutdown(random);
      }
    }
  }

  private DiscoveryStatus.Watch status() {
    return discovery.status().watch(TARGET).orElseThrow();
  }

  private Map<String, Long> picks() {
    return status().picks();
  }
}
