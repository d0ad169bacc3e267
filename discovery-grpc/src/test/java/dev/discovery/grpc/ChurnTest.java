package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.ServiceWatch;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** The session keys of the sticky channel's calls. */
  static final int KEYS = 64;

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

  /**
   * Zero failed calls, and every new pod gets calls: an update waits for its new pod's first call
   * (bounded) before the old pod leaves.
   */
  @ParameterizedTest(name = "sticky: {0}")
  @ValueSource(booleans = {false, true})
  void api_rollingUpdates_failNoCall_andEveryNewPodGetsCalls(boolean sticky) throws Exception {
    RollingChurn.Outcome outcome =
        churn(
            new ApiDirectory("k8s+api"),
            sticky ? 21 : 20,
            sticky,
            RollingChurn.Drain.AFTER_THE_CLIENT_SEES_IT_LEAVE,
            updates(API_UPDATES));
    assertThat(outcome.failures()).as("failed calls by status").isEmpty();
  }

  /**
   * Every new pod gets calls within TTL plus refresh interval (with slack); the old server drains
   * as soon as its pod turns terminating, while the client still has the pod in its cached answer:
   * the failed calls are counted and printed, not asserted, and that window is asserted to have
   * been there.
   */
  @Test
  void dns_random_rollingUpdates_drainingAtOnce_everyNewPodGetsCallsWithinTtlAndRefresh()
      throws Exception {
    DnsDirectory dir = new DnsDirectory();
    RollingChurn.Outcome outcome =
        churn(dir, 22, false, RollingChurn.Drain.AT_ONCE, updates(DNS_UPDATES));
    Duration bound = dir.ttl().plus(DNS_REFRESH);
    Scenarios.figures(
        dir,
        "churn: bound on the time to first call: TTL + refresh %d ms (+ slack %d ms)",
        bound.toMillis(),
        SLACK.toMillis());
    assertThat(outcome.firstCalls())
        .as("time from a new pod's addition to its first call")
        .hasSize(outcome.updates())
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(bound.plus(SLACK)));
    assertThat(outcome.eligibleAfterDrain())
        .as("updates whose old pod was still eligible after its server terminated")
        .isNotEmpty();
  }

  /** The discovery the directory's channels resolve with. */
  private static Discovery discovery(PodDirectory dir) {
    return dir.discovery() != null ? dir.discovery() : DiscoveryGrpc.sharedDiscovery();
  }

  /**
   * Runs the updates through a channel on {@code dir} (which this closes), random or sticky on
   * {@code x-session-id} (over {@value #KEYS} keys), with pods on {@code 127.<range>.*.*}, and
   * prints the figures. A watch on the channel's discovery (sharing the channel's resolver) tells
   * when the client sees a pod leave.
   */
  private static RollingChurn.Outcome churn(
      ClusterDirectory dir, int range, boolean sticky, RollingChurn.Drain drain, int updates)
      throws Exception {
    try (dir;
        Pods pods = Pods.range(range);
        ServiceWatch watch = discovery(dir).watch(dir.target())) {
      ManagedChannel channel =
          sticky
              ? Calls.sticky(dir.target(), dir.discovery())
              : Calls.random(dir.target(), dir.discovery());
      IntFunction<String> call =
          sticky ? i -> Calls.who(channel, "session-" + i % KEYS) : i -> Calls.who(channel);
      try {
        RollingChurn.Outcome outcome =
            RollingChurn.run(dir, pods, channel, call, watch, drain, updates);
        Scenarios.figures(
            dir,
            "churn, %s, draining %s: %s",
            sticky ? "sticky on x-session-id" : "random",
            drain.name().toLowerCase(Locale.ROOT).replace('_', ' '),
            outcome.figures());
        return outcome;
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
