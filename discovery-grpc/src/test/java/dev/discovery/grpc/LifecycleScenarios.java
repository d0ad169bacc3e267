package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Endpoint;
import dev.discovery.api.ServiceWatch;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Scenarios of a pod's life as Kubernetes drives it (unready, terminating, deleted) against real
 * gRPC servers, with calls from several threads without pause, over a {@link ClusterDirectory}
 * whose discovery the test can watch. The figures are printed as in {@link Scenarios}; waits are
 * bounded only to end a test that would hang.
 *
 * <p>The observable that a channel has dropped a pod is the pod's server seeing the channel's
 * connection close: grpc shuts a subchannel down only after the balancer has taken it out of the
 * picker (and a few seconds later, so calls already on it finish).
 */
final class LifecycleScenarios {
  private static final Duration BOUND = Duration.ofSeconds(60);

  /** Threads calling at once. */
  static final int CALLERS = 4;

  private LifecycleScenarios() {}

  /**
   * 7. A pod turns unready: the channel closes its connection to it with no call failing, no call
   * reaches it while unready, and calls reach it again once it is ready.
   */
  static void unreadyLeavesAndComesBack(ClusterDirectory dir, int subnet) throws Exception {
    try (Pods pods = Pods.started(subnet, 3)) {
      dir.publish(pods.all());
      ManagedChannel channel = Calls.random(dir.target(), dir.discovery());
      try {
        Scenarios.awaitAnswersFrom(channel, pods.all(), BOUND);
        try (CallingThreads load = CallingThreads.start(channel, CALLERS)) {
          Pods.Pod pod = pods.get(2);
          load.awaitMoreAnswers(100);
          dir.setReady(pod, false);
          await().atMost(BOUND).until(() -> pod.openTransports() == 0);
          int servedWhenDropped = pod.served.get();
          load.awaitMoreAnswers(300);
          int servedWhileUnready = pod.served.get() - servedWhenDropped;
          dir.setReady(pod, true);
          await().atMost(BOUND).until(() -> pod.served.get() > servedWhenDropped);
          int failed = load.stop();
          Scenarios.figures(
              dir,
              "scenario 7: pod %s unready under %d calling threads: its connection closed; %d"
                  + " of 300 calls since reached it; ready again: it answers; %d calls, %d failed",
              pod.name(),
              CALLERS,
              servedWhileUnready,
              load.answered(),
              failed);
          assertThat(load.firstFailures()).as("failed calls (the first three)").isEmpty();
          assertThat(servedWhileUnready).as("calls on the unready pod").isZero();
        }
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  /**
   * 8. Rolling update, {@code rounds} times: a new pod joins; once it answers calls, the oldest pod
   * turns terminating while its server still serves (the watch sees it serving and terminating);
   * once the channel has closed its connection to it, the pod is deleted and its server shut down.
   * Every call succeeds, and every new pod answers calls.
   */
  static void rollingUpdate(ClusterDirectory dir, int subnet, int rounds) throws Exception {
    assertThat(dir.discovery()).as("a discovery the test can watch").isNotNull();
    try (Pods pods = Pods.started(subnet, 3);
        ServiceWatch watch = dir.discovery().watch(dir.target())) {
      dir.publish(pods.all());
      Deque<Pods.Pod> serving = new ArrayDeque<>(pods.all());
      ManagedChannel channel = Calls.random(dir.target(), dir.discovery());
      try {
        Scenarios.awaitAnswersFrom(channel, pods.all(), BOUND);
        try (CallingThreads load = CallingThreads.start(channel, CALLERS)) {
          List<Integer> servedWhileTerminating = new ArrayList<>();
          List<Pods.Pod> added = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            Pods.Pod fresh = pods.add().start();
            added.add(fresh);
            dir.add(fresh);
            await().atMost(BOUND).until(() -> fresh.served.get() > 0);

            Pods.Pod old = serving.removeFirst();
            int servedBefore = old.served.get();
            dir.startTerminating(old);
            await()
                .atMost(BOUND)
                .until(
                    () ->
                        endpoint(watch, old)
                            .map(e -> e.serving() && e.terminating())
                            .orElse(false));
            await().atMost(BOUND).until(() -> old.openTransports() == 0);
            servedWhileTerminating.add(old.served.get() - servedBefore);
            dir.delete(old);
            old.stop();
            serving.addLast(fresh);
            load.awaitMoreAnswers(100);
          }
          int failed = load.stop();
          Scenarios.figures(
              dir,
              "scenario 8: %d rolling update(s) under %d calling threads: %d calls, %d failed;"
                  + " calls each old pod served after it turned terminating: %s",
              rounds,
              CALLERS,
              load.answered(),
              failed,
              servedWhileTerminating);
          assertThat(load.firstFailures()).as("failed calls (the first three)").isEmpty();
          assertThat(added).allSatisfy(p -> assertThat(p.served).as(p.name()).hasPositiveValue());
        }
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  private static Optional<Endpoint> endpoint(ServiceWatch watch, Pods.Pod pod) {
    return watch
        .current()
        .flatMap(
            s -> s.endpoints().stream().filter(e -> e.address().equals(pod.address)).findFirst());
  }
}
