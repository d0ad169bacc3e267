package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Affinity;
import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.api.ServiceWatch;
import dev.discovery.grpc.internal.PolicyConfig;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import dev.discovery.testkit.clock.FakeScheduler;
import io.grpc.ManagedChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A keyed policy written by a user ({@link ByLengthPolicy}) gets what the built-in sticky gets,
 * from both hosts: a key from the gRPC header its config names, and affinity on top from the same
 * options.
 */
class UserKeyedPolicyTest {
  private static final int SUBNET = 251;

  @Test
  void grpcConfig_givesAUserKeyedPolicy_theHeaderAndAffinityOptions() {
    Policy policy = Policies.byName("by-length");
    PolicyConfig config =
        PolicyConfig.parse(policy, Map.of("header", "X-User", "affinityTimeout", "60s"));

    assertThat(config.header().name()).isEqualTo("x-user");
    assertThat(config.policy())
        .isEqualTo(Policies.withAffinity(policy, Affinity.of(Duration.ofSeconds(60))));
    assertThat(config.policy().name()).isEqualTo("by-length");
  }

  @Test
  void grpcChannel_sendsEachKeyWhereTheUserPolicySays() {
    try (Pods pods = Pods.started(SUBNET, 3)) {
      ManagedChannel channel =
          Calls.builder(Pods.staticTarget(pods.all()), null)
              .defaultServiceConfig(
                  Map.of(
                      "loadBalancingConfig",
                      List.of(Map.of("by-length", Map.of("header", "x-session-id")))))
              .build();
      try {
        List<Pods.Pod> all = pods.all(); // in canonical order: 127.0.251.1, .2, .3
        // A key's choice whose connection is not READY yet sends it to its next choice meanwhile:
        // wait until every key reaches its own pod, then it must stay there.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    Calls.who(channel, "a").equals(all.get(1).name())
                        && Calls.who(channel, "abc").equals(all.get(0).name())
                        && Calls.who(channel, "ab").equals(all.get(2).name()));
        for (int i = 0; i < 20; i++) {
          assertThat(Calls.who(channel, "a")).isEqualTo(all.get(1).name());
          assertThat(Calls.who(channel, "abc")).isEqualTo(all.get(0).name());
          assertThat(Calls.who(channel, "ab")).isEqualTo(all.get(2).name());
        }
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  @Test
  void javaApi_affinityOverAUserKeyedPolicy_keepsAKeyWhereItWas() throws Exception {
    FakeResolver fake = FakeResolver.create();
    FakeTarget web = fake.target("fake:///web");
    Endpoint b = Endpoint.of(InetAddress.getByName("10.0.0.2"), 80);
    Endpoint c = Endpoint.of(InetAddress.getByName("10.0.0.3"), 80);
    Endpoint a = Endpoint.of(InetAddress.getByName("10.0.0.1"), 80);
    web.publish(b, c);
    FakeScheduler scheduler = FakeScheduler.create(); // runs each task at once, on this thread
    try (Discovery discovery =
            Discovery.builder()
                .provider(fake)
                .environment(Environment.empty())
                .clock(scheduler.clock())
                .scheduler(scheduler)
                .blockingExecutor(scheduler)
                .build();
        ServiceWatch watch = discovery.watch("fake:///web");
        Balancer plain = watch.balancer(Policies.byName("by-length"));
        Balancer kept =
            watch.balancer(Policies.byName("by-length", Map.of("affinityTimeout", "60s")))) {
      assertThat(plain.pick("x")).isEqualTo(c); // 1 mod 2
      assertThat(kept.pick("x")).isEqualTo(c);

      web.publish(a, b, c); // a sorts first: "x" now maps to b
      assertThat(plain.pick("x")).isEqualTo(b);
      assertThat(kept.pick("x")).isEqualTo(c); // remembered while its endpoint lives
      assertThat(kept.policy().name()).isEqualTo("by-length");

      web.publish(a, b); // c leaves: the key moves to the policy's choice
      assertThat(kept.pick("x")).isEqualTo(b);
    }
  }
}
