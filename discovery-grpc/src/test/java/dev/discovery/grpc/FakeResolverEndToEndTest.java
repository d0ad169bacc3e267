package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's scenarios over real gRPC servers on loopback, with the pods published through the
 * testkit's FakeResolver (changes pushed at once): how a user drives a channel in a test. The same
 * scenarios run over the testkit's DNS server in {@link DnsEndToEndTest}.
 */
class FakeResolverEndToEndTest extends EndToEndTests {
  @Override
  PodDirectory directory() {
    return new FakeResolverDirectory();
  }

  @Override
  int subnets() {
    return 20;
  }

  @Test
  @Override
  void scenario3b_aDeadPodStillPublished_leavesRotationBeforeResolutionCatchesUp()
      throws Exception {
    super.scenario3b_aDeadPodStillPublished_leavesRotationBeforeResolutionCatchesUp();
    assertThat(((FakeResolverDirectory) dir).web.refreshes())
        .as("re-resolution asked by the balancer")
        .isPositive();
  }

  @Test
  void scenario6_channelShutdown_leavesNoSubchannelAndNoDiscoveryThread() {
    dir.close(); // a static target on the shared discovery: only the channel's watch may hold
    // threads
    Scenarios.shutdownLeavesNothingBehind(dir, true, subnets() + 7);
  }

  @Test
  void aPolicyPluggedInThroughTheSpi_isAGrpcPolicyOfItsName() {
    try (Pods pods = Pods.started(subnets() + 9, 3)) {
      dir.publish(pods.all());
      ManagedChannel channel =
          Calls.builder(dir.target(), dir.discovery()).defaultLoadBalancingPolicy("lowest").build();
      try {
        Scenarios.awaitAnswersFrom(channel, pods.all().subList(0, 1), Duration.ofSeconds(30));
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 200; i++) {
          answered.add(Calls.who(channel));
        }
        assertThat(answered).containsExactly(pods.get(0).name());
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
