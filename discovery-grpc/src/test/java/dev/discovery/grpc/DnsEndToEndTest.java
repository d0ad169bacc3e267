package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenarios over real gRPC servers on loopback, found through the testkit's DNS
 * server: {@code k8s+dns://127.0.0.1:<port>/web.shop:grpc} channels on the shared discovery, with
 * the DNS source discovery-k8s installs.
 */
class DnsEndToEndTest extends EndToEndTests {
  @Override
  PodDirectory directory() {
    return new DnsDirectory();
  }

  @Override
  int subnets() {
    return 30;
  }

  @Test
  void aServiceThatDoesNotExist_failsCalls_sayingWhatDnsAnswered() {
    String target = dir.target().replace("/web.shop:grpc", "/wbe.shop:grpc");
    ManagedChannel channel = Calls.random(target, null);
    try {
      StatusRuntimeException e =
          catchThrowableOfType(StatusRuntimeException.class, () -> Calls.who(channel));
      System.out.println("[figures] a missing Service: " + e.getStatus());
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription())
          .startsWith(target + ": name resolution failed (not found): no such Service: DNS server")
          .contains("NXDOMAIN for wbe.shop.svc.cluster.local");
    } finally {
      Calls.shutdown(channel);
    }
  }

  @Test
  void scenario6_channelShutdown_leavesNoSubchannelAndNoDiscoveryThread() {
    Scenarios.shutdownLeavesNothingBehind(dir, false, subnets() + 7);
  }
}
