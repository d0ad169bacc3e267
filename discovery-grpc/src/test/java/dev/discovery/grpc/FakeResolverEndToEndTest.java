package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's scenarios over real gRPC servers on loopback, with the pods published through the
 * testkit's FakeResolver (changes pushed at once): how a user drives a channel in a test. The same
 * scenarios run over the testkit's DNS server in {@link DnsEndToEndTest}.
 */
class FakeResolverEndToEndTest {
  private final FakeResolverDirectory dir = new FakeResolverDirectory();

  @AfterEach
  void close() {
    dir.close();
  }

  @Test
  void scenario1_random_spreads3000CallsUniformlyOver3Pods() {
    Scenarios.randomSpreadsCallsUniformly(dir, 21);
  }

  @Test
  void scenario2_scaleOut_newPodsGetCallsWithinTtlPlusOneSecond_onTheSameChannel() {
    Scenarios.scaleOutReachesNewPods(dir, 22);
  }

  @Test
  void scenario3_aPodDiesAndLeaves_noCallFailsFrom2sOn() throws Exception {
    Scenarios.podDies(dir, 23, true);
  }

  @Test
  void scenario3b_aDeadPodStillPublished_leavesRotation_andReResolutionIsAsked() throws Exception {
    Scenarios.podDies(dir, 24, false);
    assertThat(dir.web.refreshes()).as("re-resolution requests").isPositive();
  }

  @Test
  void scenario4_sticky_keepsKeys_andMovesFewOthersWhenAPodLeaves() {
    Scenarios.stickyKeepsKeys(dir, 25);
  }

  @Test
  void scenario5_serversStartingAfterTheChannel_areConnectedOnceTheyAppear() {
    Scenarios.lateServersAreFound(dir, 26);
  }

  @Test
  void scenario6_channelShutdown_leavesNoSubchannelAndNoDiscoveryThread() {
    dir.close(); // only the channel's own watch may hold threads
    Scenarios.shutdownLeavesNothingBehind(dir, true, 27);
  }

  @Test
  void aPolicyPluggedInThroughTheSpi_isAGrpcPolicyOfItsName() {
    try (Pods pods = Pods.started(28, 3)) {
      dir.publish(pods.all());
      ManagedChannel channel =
          Calls.builder(dir.target(), dir.discovery()).defaultLoadBalancingPolicy("lowest").build();
      try {
        Scenarios.awaitAnswersFrom(
            channel, pods.all().subList(0, 1), java.time.Duration.ofSeconds(30));
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
