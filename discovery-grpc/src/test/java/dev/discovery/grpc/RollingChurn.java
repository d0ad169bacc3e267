package dev.discovery.grpc;

import static org.awaitility.Awaitility.await;

import dev.discovery.api.Endpoint;
import dev.discovery.api.ServiceWatch;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Rolling updates under load, as a Deployment rolls its pods: calls from {@value #CALLERS} threads,
 * each paced by a pause of {@link #PAUSE} after every call, while pods come and go, one update at a
 * time:
 *
 * <ol>
 *   <li>a new pod joins: its server starts on a new loopback address and the pod is added, ready;
 *       the update waits until it has served a call (the time from its addition to that call is its
 *       time to first call);
 *   <li>the oldest pod turns terminating (not ready, still serving);
 *   <li>its server drains: {@code shutdown()} (no new connections, GOAWAY on the open ones, calls
 *       in flight finish), then {@code awaitTermination} ({@link Drain} says when it starts);
 *   <li>the pod is deleted.
 * </ol>
 *
 * Waits are bounded only to end an update that would hang; nothing here asserts: {@link Outcome}
 * carries what was counted and measured.
 */
final class RollingChurn {
  /** Threads calling at once. */
  static final int CALLERS = 4;

  /** The pause after each call, per thread: load pacing, never a wait for a condition. */
  static final Duration PAUSE = Duration.ofMillis(1);

  /** Pods serving before the first update (and after each). */
  static final int REPLICAS = 3;

  private static final Duration BOUND = Duration.ofSeconds(60);

  private RollingChurn() {}

  /** When the old pod's server starts draining. */
  enum Drain {
    /**
     * Once the client has seen the pod terminating: a watch on the channel's own discovery (whose
     * resolver the channel shares) reports it so. The order Kubernetes users get with a source that
     * pushes, and with a preStop pause long enough for DNS.
     */
    AFTER_THE_CLIENT_SEES_TERMINATING,

    /**
     * As soon as the pod turns terminating (the kubelet's SIGTERM with no preStop pause): a DNS
     * client may still have the pod in its cached answer for up to the TTL.
     */
    AT_ONCE
  }

  /**
   * What the updates counted and measured.
   *
   * @param firstCalls per update, the time from the new pod's addition to its first call served
   * @param drains per update, the time from the old server's {@code shutdown()} to its termination
   * @param servedWhileLeaving per update, the calls the old pod served from its turning terminating
   *     to its server's termination
   * @param failedWhileJoining per update, the calls that failed while the new pod joined
   * @param failedWhileLeaving per update, the calls that failed from the old pod's turning
   *     terminating to its deletion
   */
  record Outcome(
      int updates,
      int answered,
      int failed,
      Map<String, Integer> failures,
      List<Duration> firstCalls,
      List<Duration> drains,
      List<Integer> servedWhileLeaving,
      List<Integer> failedWhileJoining,
      List<Integer> failedWhileLeaving) {

    /** {@code min 3 ms, median 5 ms, max 9 ms}. */
    static String spread(List<Duration> durations) {
      List<Long> ms = durations.stream().map(Duration::toMillis).sorted().toList();
      return ms.isEmpty()
          ? "none"
          : "min "
              + ms.get(0)
              + " ms, median "
              + ms.get(ms.size() / 2)
              + " ms, max "
              + ms.get(ms.size() - 1)
              + " ms";
    }

    /** How many updates had a failed call in that step. */
    static long updatesWithFailures(List<Integer> failedPerUpdate) {
      return failedPerUpdate.stream().filter(n -> n > 0).count();
    }

    String figures() {
      return String.format(
          "%d rolling updates under %d calling threads (pause %d ms): %d calls answered, %d"
              + " failed %s; failed while joining in %d updates, while leaving in %d; time to"
              + " first call of a new pod: %s; drain: %s; calls served by the leaving pod from"
              + " terminating to terminated: %s",
          updates,
          CALLERS,
          PAUSE.toMillis(),
          answered,
          failed,
          failures,
          updatesWithFailures(failedWhileJoining),
          updatesWithFailures(failedWhileLeaving),
          spread(firstCalls),
          spread(drains),
          servedWhileLeaving.stream().mapToInt(Integer::intValue).summaryStatistics());
    }
  }

  /**
   * Runs {@code updates} rolling updates of {@code pods} (none started yet) under load.
   *
   * @param call one blocking call on {@code channel} (given the caller's count of calls)
   * @param watch a watch of the Service on the channel's own discovery; needed for {@link
   *     Drain#AFTER_THE_CLIENT_SEES_TERMINATING}
   */
  static Outcome run(
      ClusterDirectory dir,
      Pods pods,
      ManagedChannel channel,
      IntFunction<String> call,
      ServiceWatch watch,
      Drain drain,
      int updates)
      throws Exception {
    if (drain == Drain.AFTER_THE_CLIENT_SEES_TERMINATING && watch == null) {
      throw new IllegalArgumentException("watch: null (expected: one to see terminating pods)");
    }
    for (int i = 0; i < REPLICAS; i++) {
      pods.add().start();
    }
    dir.publish(pods.all());
    Deque<Pods.Pod> serving = new ArrayDeque<>(pods.all());
    Scenarios.awaitAnswersFrom(channel, pods.all(), BOUND);

    List<Duration> firstCalls = new ArrayList<>();
    List<Duration> drains = new ArrayList<>();
    List<Integer> servedWhileLeaving = new ArrayList<>();
    List<Integer> failedWhileJoining = new ArrayList<>();
    List<Integer> failedWhileLeaving = new ArrayList<>();
    try (CallingThreads load = CallingThreads.paced(CALLERS, PAUSE, call)) {
      for (int update = 0; update < updates; update++) {
        int failedBefore = load.failed();
        Pods.Pod fresh = pods.add().start();
        long added = System.nanoTime();
        dir.add(fresh);
        long first = await().atMost(BOUND).until(() -> fresh.firstServed().orElse(0), t -> t != 0);
        firstCalls.add(Duration.ofNanos(first - added));
        serving.addLast(fresh);

        int failedBeforeLeaving = load.failed();
        failedWhileJoining.add(failedBeforeLeaving - failedBefore);
        Pods.Pod old = serving.removeFirst();
        int servedBefore = old.served.get();
        dir.startTerminating(old);
        if (drain == Drain.AFTER_THE_CLIENT_SEES_TERMINATING) {
          await().atMost(BOUND).until(() -> seenTerminating(watch, old));
        }
        drains.add(old.drain(BOUND));
        servedWhileLeaving.add(old.served.get() - servedBefore);
        dir.delete(old);
        failedWhileLeaving.add(load.failed() - failedBeforeLeaving);
      }
      load.stop();
      return new Outcome(
          updates,
          load.answered(),
          load.failed(),
          load.failuresByStatus(),
          firstCalls,
          drains,
          servedWhileLeaving,
          failedWhileJoining,
          failedWhileLeaving);
    }
  }

  /** The watch has the pod terminating, or no longer has it. */
  private static boolean seenTerminating(ServiceWatch watch, Pods.Pod pod) {
    return watch
        .current()
        .map(
            s ->
                s.endpoints().stream()
                    .filter(e -> e.address().equals(pod.address))
                    .findFirst()
                    .map(Endpoint::terminating)
                    .orElse(true))
        .orElse(false);
  }
}
