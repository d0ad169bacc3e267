package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Call feedback from the calls themselves, against real gRPC servers: a policy that asks for
 * feedback ({@link ProbePolicy}) hears every call's start and end with its status and latency, and
 * its refresh (asked from the calling thread, or the test's) takes a failing backend out of
 * rotation and back.
 */
class CallFeedbackEndToEndTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private static ManagedChannel probe(String target) {
    return Calls.builder(target, null)
        .defaultServiceConfig(
            Map.of("loadBalancingConfig", List.of(Map.of("feedback-probe", Map.of()))))
        .build();
  }

  @Test
  void everyCall_isReportedOnce_withItsStatus_andLatency() {
    try (Backends backends = Backends.started(201, 3)) {
      backends.get(2).failWith(Status.PERMISSION_DENIED); // the request's fault: not ejected
      ManagedChannel channel = probe(backends.staticTarget());
      try {
        await().atMost(BOUND).until(() -> !Calls.outcome(channel).equals("UNAVAILABLE"));
        ProbePolicy.Probe probe = ProbePolicy.last();
        int startsBefore = probe.starts();
        int endsBefore = probe.ends.get();
        int ok = 0;
        int denied = 0;
        for (int i = 0; i < 300; i++) {
          String outcome = Calls.outcome(channel);
          if (outcome.equals("PERMISSION_DENIED")) {
            denied++;
          } else {
            ok++;
          }
        }
        int starts = probe.starts() - startsBefore;
        int ends = probe.ends.get() - endsBefore;
        System.out.printf(
            "[figures] feedback: 300 calls, %d starts, %d ends, in flight %d, outcomes %s,"
                + " mean latency %d us%n",
            starts,
            ends,
            probe.inFlight.get(),
            probe.outcomes,
            probe.latencyNanos.get() / probe.ends.get() / 1000);
        assertThat(starts).isEqualTo(300);
        assertThat(ends).isEqualTo(300);
        assertThat(probe.inFlight.get()).isZero();
        assertThat(probe.outcome("PERMISSION_DENIED")).isGreaterThanOrEqualTo(denied);
        assertThat(denied).isPositive();
        assertThat(probe.outcome("OK")).isGreaterThanOrEqualTo(ok);
        assertThat(probe.latencyNanos.get()).isPositive();
        for (Backends.Backend b : backends.all()) {
          assertThat(probe.starts.get(b.address).get()).as("starts on %s", b).isEqualTo(b.calls());
        }
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  @Test
  void aPolicyRefresh_takesAFailingBackendOutOfRotation_andBack() {
    try (Backends backends = Backends.started(202, 3)) {
      ManagedChannel channel = probe(backends.staticTarget());
      try {
        await().atMost(BOUND).until(() -> !Calls.outcome(channel).equals("UNAVAILABLE"));
        Backends.Backend bad = backends.get(1);
        bad.failWith(Status.UNAVAILABLE);
        await().atMost(BOUND).until(() -> Calls.outcome(channel).equals("UNAVAILABLE"));
        ProbePolicy.Probe probe = ProbePolicy.last();
        assertThat(probe.ejected).containsOnlyKeys(bad.address);
        // Ejected at its first failure: the picker the refresh built leaves it out.
        int calls = bad.calls();
        for (int i = 0; i < 300; i++) {
          assertThat(Calls.outcome(channel)).isNotEqualTo("UNAVAILABLE");
        }
        int during = bad.calls() - calls;
        bad.failWith(null);
        probe.readmitAll(); // from the test's thread
        await().atMost(BOUND).until(() -> Calls.outcome(channel).equals(bad.name()));
        System.out.printf(
            "[figures] probe ejection: %d ejection, %d pickers built, %d of 300 calls on the"
                + " backend while ejected; readmitted: it answers%n",
            probe.ejections.get(), probe.pickers.get(), during);
        assertThat(probe.ejections.get()).isEqualTo(1);
        assertThat(during).isZero();
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
