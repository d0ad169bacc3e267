package dev.discovery.grpc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenarios (see {@link Scenarios}) over one {@link PodDirectory}; each subclass
 * names its source and the {@code 127.0.<subnet>.*} range its pods use.
 */
abstract class EndToEndTests {
  PodDirectory dir;

  /** The source of the pods' addresses (made before each test, closed after it). */
  abstract PodDirectory directory();

  @BeforeEach
  void openDirectory() {
    dir = directory();
  }

  /** The first of the ten subnets {@code 127.0.<n>.*} this class's pods use. */
  abstract int subnets();

  @AfterEach
  void closeDirectory() {
    dir.close();
  }

  @Test
  void scenario1_random_spreads3000CallsUniformlyOver3Pods() {
    Scenarios.randomSpreadsCallsUniformly(dir, subnets() + 1);
  }

  @Test
  void scenario2_scaleOut_newPodsGetCalls_onTheSameChannel() {
    Scenarios.scaleOutReachesNewPods(dir, subnets() + 2);
  }

  @Test
  void scenario3_aPodDiesAndLeaves_callsStopFailingOnceItLeavesRotation() throws Exception {
    Scenarios.podDies(dir, subnets() + 3, true);
  }

  @Test
  void scenario3b_aDeadPodStillPublished_leavesRotationBeforeResolutionCatchesUp()
      throws Exception {
    Scenarios.podDies(dir, subnets() + 4, false);
  }

  @Test
  void scenario4_sticky_keepsKeys_andMovesFewOthersWhenAPodLeaves() {
    Scenarios.stickyKeepsKeys(dir, subnets() + 5);
  }

  @Test
  void scenario5_serversStartingAfterTheChannel_areConnectedOnceTheyAppear() {
    Scenarios.lateServersAreFound(dir, subnets() + 6);
  }
}
