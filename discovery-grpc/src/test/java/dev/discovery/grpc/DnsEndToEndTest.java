package dev.discovery.grpc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's scenarios over real gRPC servers on loopback, found through the testkit's DNS server:
 * {@code k8s+dns://127.0.0.1:<port>/web.shop:grpc} channels on the shared discovery, with the DNS
 * source discovery-k8s installs.
 */
class DnsEndToEndTest {
  private final DnsDirectory dir = new DnsDirectory();

  @AfterEach
  void close() {
    dir.close();
  }

  @Test
  void scenario1_random_spreads3000CallsUniformlyOver3Pods() {
    Scenarios.randomSpreadsCallsUniformly(dir, 31);
  }

  @Test
  void scenario2_scaleOut_newPodsGetCallsWithinTtlPlusOneSecond_onTheSameChannel() {
    Scenarios.scaleOutReachesNewPods(dir, 32);
  }

  @Test
  void scenario3_aPodDiesAndItsRecordsGo_noCallFailsFrom2sOn() throws Exception {
    Scenarios.podDies(dir, 33, true);
  }

  @Test
  void scenario3b_aDeadPodStillInDns_leavesRotationBeforeDnsCatchesUp() throws Exception {
    Scenarios.podDies(dir, 34, false);
  }

  @Test
  void scenario4_sticky_keepsKeys_andMovesFewOthersWhenAPodLeaves() {
    Scenarios.stickyKeepsKeys(dir, 35);
  }

  @Test
  void scenario5_serversStartingAfterTheChannel_areConnectedOnceTheyAppear() {
    Scenarios.lateServersAreFound(dir, 36);
  }

  @Test
  void scenario6_channelShutdown_leavesNoSubchannelAndNoDiscoveryThread() {
    Scenarios.shutdownLeavesNothingBehind(dir, false, 37);
  }
}
