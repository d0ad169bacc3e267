package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The end-to-end scenarios over real gRPC servers on loopback, with the pods of a ClusterIP Service
 * served by the testkit's Kubernetes API server over TLS, for a {@code k8s+api:///web.shop:grpc}
 * channel and for a {@code k8s:///web.shop:grpc} one that chooses the API source; then the pod's
 * life as Kubernetes drives it: unready, terminating while still serving, deleted.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"k8s+api", "k8s"})
class ApiEndToEndTest extends EndToEndTests {
  @Parameter String scheme;

  @Override
  PodDirectory directory() {
    return new ApiDirectory(scheme);
  }

  @Override
  int subnets() {
    return scheme.equals("k8s") ? 50 : 40;
  }

  @Test
  void theSnapshotsComeFromTheApi_andAClusterIpServiceIsItsPods() {
    try (Pods pods = Pods.started(subnets(), 2);
        ServiceWatch watch = dir.discovery().watch(dir.target())) {
      dir.publish(pods.all());
      EndpointSet set =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> watch.current().orElse(null), s -> s != null && s.size() == 2);
      System.out.println("[figures] " + dir.name() + ": " + set.summary());
      assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
      assertThat(set.source().name()).isEqualTo("api");
    }
  }

  @Test
  void scenario7_aPodTurnsUnready_leavesRotationWithNoFailedCall_andComesBack() throws Exception {
    LifecycleScenarios.unreadyLeavesAndComesBack((ClusterDirectory) dir, subnets() + 7);
  }

  @Test
  void scenario8_gracefulTermination_theTerminatingPodLeavesThePickerWhileItServes()
      throws Exception {
    LifecycleScenarios.rollingUpdate((ClusterDirectory) dir, subnets() + 8, 1);
  }

  @Test
  void scenario8b_fiveRollingUpdates_failNoCall() throws Exception {
    LifecycleScenarios.rollingUpdate((ClusterDirectory) dir, subnets() + 9, 5);
  }
}
