package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.ServiceWatch;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC under churn: {@link RollingChurn rolling updates} of real gRPC servers on loopback, under
 * paced load from several threads, through the Kubernetes API source ({@code k8s+api}, pushed) and
 * the DNS source ({@code k8s+dns}, polled at the TTL). The number of updates is {@value
 * #API_UPDATES} through the API and {@value #DNS_UPDATES} through DNS, or the system property
 * {@value #UPDATES_PROPERTY} for both (a soak).
 *
 * <p>Every wait is bounded; the class lifts the default timeout of a test so a soak count fits.
 */
@Timeout(value = 1, unit = TimeUnit.HOURS)
class ChurnTest {
  static final String UPDATES_PROPERTY = "discovery.churn.updates";
  static final int API_UPDATES = 50;
  static final int DNS_UPDATES = 20;

  /**
   * The DNS source re-resolves after the answer's TTL x U[0.8, 1.0], clamped to at least its
   * minimum refresh interval (1 s by default); a new pod is in the answer at once.
   */
  static final Duration DNS_REFRESH = Duration.ofSeconds(1);

  /**
   * What a loaded 2-core machine may add to TTL plus refresh before a new pod serves its first
   * call: the query, the connection, a scheduling delay (measured: see the printed figures).
   */
  static final Duration SLACK = Duration.ofSeconds(3);

  private static int updates(int byDefault) {
    return Integer.getInteger(UPDATES_PROPERTY, byDefault);
  }

  @Test
  void api_random_rollingUpdates_failNoCall_andEveryNewPodGetsCalls() throws Exception {
    ApiDirectory dir = new ApiDirectory("k8s+api");
    try (dir;
        Pods pods = Pods.range(20);
        ServiceWatch watch = dir.discovery().watch(dir.target())) {
      ManagedChannel channel = Calls.random(dir.target(), dir.discovery());
      try {
        RollingChurn.Outcome outcome =
            RollingChurn.run(
                dir,
                pods,
                channel,
                i -> Calls.who(channel),
                watch,
                RollingChurn.Drain.AFTER_THE_CLIENT_SEES_TERMINATING,
                updates(API_UPDATES));
        Scenarios.figures(dir, "churn, random: %s", outcome.figures());
        assertThat(outcome.failures()).as("failed calls by status").isEmpty();
        assertThat(outcome.firstCalls()).hasSize(outcome.updates());
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  @Test
  void api_sticky_rollingUpdates_failNoCall() throws Exception {
    ApiDirectory dir = new ApiDirectory("k8s+api");
    try (dir;
        Pods pods = Pods.range(21);
        ServiceWatch watch = dir.discovery().watch(dir.target())) {
      ManagedChannel channel = Calls.sticky(dir.target(), dir.discovery());
      try {
        RollingChurn.Outcome outcome =
            RollingChurn.run(
                dir,
                pods,
                channel,
                i -> Calls.who(channel, "session-" + i % 64),
                watch,
                RollingChurn.Drain.AFTER_THE_CLIENT_SEES_TERMINATING,
                updates(API_UPDATES));
        Scenarios.figures(dir, "churn, sticky on x-session-id: %s", outcome.figures());
        assertThat(outcome.failures()).as("failed calls by status").isEmpty();
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  @Test
  void dns_random_rollingUpdates_everyNewPodGetsCallsWithinTtlAndRefresh() throws Exception {
    DnsDirectory dir = new DnsDirectory();
    try (dir;
        Pods pods = Pods.range(22)) {
      ManagedChannel channel = Calls.random(dir.target(), dir.discovery());
      try {
        RollingChurn.Outcome outcome =
            RollingChurn.run(
                dir,
                pods,
                channel,
                i -> Calls.who(channel),
                null,
                RollingChurn.Drain.AT_ONCE,
                updates(DNS_UPDATES));
        Duration bound = dir.ttl().plus(DNS_REFRESH);
        Scenarios.figures(
            dir,
            "churn, random, draining at once: %s; bound on the time to first call: TTL + refresh"
                + " %d ms (+ slack %d ms)",
            outcome.figures(),
            bound.toMillis(),
            SLACK.toMillis());
        assertThat(outcome.firstCalls())
            .as("time from a new pod's addition to its first call")
            .hasSize(outcome.updates())
            .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(bound.plus(SLACK)));
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
