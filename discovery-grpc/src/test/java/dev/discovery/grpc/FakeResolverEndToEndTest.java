package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenarios over real gRPC servers on loopback, with the pods published through the
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

  /**
   * 21 pods, then 20 removals one after another (each pod's server keeps answering, as a pod
   * leaving its Service's endpoints before it stops), under a call every millisecond from a load
   * generator, until every removed pod's connection is closed: no call fails. The balancer drops a
   * pod from its picker before it shuts its subchannel down (the order itself is pinned in {@code
   * DiscoveryLoadBalancerTest}; grpc-java also delays a subchannel's shutdown by a few seconds).
   * The generator skips a tick while {@value #MAX_IN_FLIGHT} calls are unanswered, so a slow
   * machine makes fewer calls, not late ones.
   */
  @Test
  void removals_underACallEveryMillisecond_failNoCall() {
    int removals = 20;
    int maxCalls = 150_000; // the generator's bound
    try (Pods pods = Pods.started(subnets() + 8, removals + 1)) {
      dir.publish(pods.all());
      ManagedChannel channel = Calls.random(dir.target(), dir.discovery());
      ScheduledExecutorService generator =
          Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-load-generator"));
      try {
        Scenarios.awaitAnswersFrom(channel, pods.all(), Duration.ofSeconds(30));
        LoadGenerator load = new LoadGenerator(channel, maxCalls);
        generator.scheduleAtFixedRate(load::tick, 0, 1, TimeUnit.MILLISECONDS);

        for (int left = removals; left >= 1; left--) {
          int before = load.answered.get();
          dir.publish(pods.all().subList(0, left));
          await().atMost(Duration.ofSeconds(60)).until(() -> load.answered.get() >= before + 20);
        }
        // grpc shuts a removed subchannel down a few seconds after the balancer asks: calls go on
        // until every removed pod's connection is closed.
        await().atMost(Duration.ofSeconds(60)).until(() -> pods.openTransports() == 1);
        generator.shutdown();
        await().atMost(Duration.ofSeconds(60)).until(load::allDone);
        System.out.printf(
            "[figures] %d removals under a call every millisecond: %d calls, %d failed, %d ticks"
                + " skipped with %d calls in flight%n",
            removals, load.issued.get(), load.failed.get(), load.skipped.get(), MAX_IN_FLIGHT);
        assertThat(load.firstFailures).as("failed calls (the first three)").isEmpty();
        assertThat(load.issued.get()).isLessThan(maxCalls);
      } finally {
        generator.shutdownNow();
        Calls.shutdown(channel);
      }
    }
  }

  private static final int MAX_IN_FLIGHT = 50;

  /** Starts one call per tick, up to a bound, and counts how they end. */
  private static final class LoadGenerator {
    private final ManagedChannel channel;
    private final int maxCalls;
    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final Queue<String> firstFailures = new ConcurrentLinkedQueue<>();

    LoadGenerator(ManagedChannel channel, int maxCalls) {
      this.channel = channel;
      this.maxCalls = maxCalls;
    }

    boolean allDone() {
      return answered.get() + failed.get() == issued.get();
    }

    void tick() {
      if (issued.get() >= maxCalls
          || issued.get() - answered.get() - failed.get() >= MAX_IN_FLIGHT) {
        skipped.incrementAndGet();
        return;
      }
      issued.incrementAndGet();
      Calls.whoAsync(
          channel,
          new StreamObserver<>() {
            @Override
            public void onNext(String pod) {}

            @Override
            public void onError(Throwable t) {
              if (failed.incrementAndGet() <= 3) {
                firstFailures.add(Status.fromThrowable(t).toString());
              }
            }

            @Override
            public void onCompleted() {
              answered.incrementAndGet();
            }
          });
    }
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
