package dev.discovery.grpc;

import static org.awaitility.Awaitility.await;

import dev.discovery.api.Endpoint;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Subscription;
import dev.discovery.api.WatchEvent;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

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
 *   <li>the pod is deleted; the update ends once every call in flight then has ended.
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
     * Once the client has seen the pod leave: the watch (whose resolver the channel shares) no
     * longer has it among the eligible endpoints. The order a source that pushes gives (and a
     * preStop pause longer than the time to see it).
     */
    AFTER_THE_CLIENT_SEES_IT_LEAVE,

    /**
     * As soon as the pod turns terminating (the kubelet's SIGTERM with no preStop pause): a DNS
     * client may still have the pod in its cached answer for up to the TTL.
     */
    AT_ONCE
  }

  /**
   * What the updates counted and measured.
   *
   * @param failures the failed calls by status
   * @param firstCalls per update, the time from the new pod's addition to its first call served
   * @param seenLeaving per update, the time from the old pod's turning terminating to the client's
   *     watch no longer having it among the eligible endpoints
   * @param drains per update, the time from the old server's {@code shutdown()} to its termination
   * @param eligibleAfterDrain per update in which the client's watch still had the old pod among
   *     the eligible endpoints after its server had terminated, for how long (the window in which a
   *     client still picks a pod that is gone: a DNS answer's TTL)
   * @param servedWhileLeaving per update, the calls the old pod served from its turning terminating
   *     to its server's termination
   * @param failedWhileJoining per update, the calls that failed from the new pod's addition to its
   *     first call
   * @param failedWhileLeaving per update, the calls that failed from the old pod's turning
   *     terminating to its deletion (calls in flight then included)
   */
  record Outcome(
      int updates,
      int answered,
      int failed,
      Map<String, Integer> failures,
      List<Duration> firstCalls,
      List<Duration> seenLeaving,
      List<Duration> drains,
      List<Duration> eligibleAfterDrain,
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
    private static long updatesWithFailures(List<Integer> failedPerUpdate) {
      return failedPerUpdate.stream().filter(n -> n > 0).count();
    }

    String figures() {
      return String.format(
          "%d rolling updates under %d calling threads (pause %d ms): %d calls answered, %d"
              + " failed %s (while joining in %d updates, while leaving in %d); time to first call"
              + " of a new pod: %s; old pod seen leaving by the client after: %s; drain: %s; old pod"
              + " still eligible for the client after its server terminated: in %d updates, for %s;"
              + " calls served by the old pod from terminating to terminated: %s",
          updates,
          CALLERS,
          PAUSE.toMillis(),
          answered,
          failed,
          failures,
          updatesWithFailures(failedWhileJoining),
          updatesWithFailures(failedWhileLeaving),
          spread(firstCalls),
          spread(seenLeaving),
          spread(drains),
          eligibleAfterDrain.size(),
          spread(eligibleAfterDrain),
          servedWhileLeaving.stream().mapToInt(Integer::intValue).summaryStatistics());
    }
  }

  /**
   * Runs {@code updates} rolling updates of {@code pods} (none started yet) under load.
   *
   * @param call one blocking call on {@code channel} (given the caller's count of calls)
   * @param watch a watch of the Service on the channel's discovery (sharing its resolver)
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
    Map<InetSocketAddress, Long> leaving = new ConcurrentHashMap<>(); // turned terminating at
    Map<InetSocketAddress, Long> left = new ConcurrentHashMap<>(); // the watch saw it leave at
    try (Subscription s = watch.subscribe(e -> recordLeft(e, leaving, left))) {
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
      List<Pods.Pod> old = new ArrayList<>();
      List<Long> terminated = new ArrayList<>(); // per update, when the old server terminated
      try (CallingThreads load = CallingThreads.paced(CALLERS, PAUSE, call)) {
        for (int update = 0; update < updates; update++) {
          int failedBefore = load.failed();
          Pods.Pod fresh = pods.add().start();
          long added = System.nanoTime();
          dir.add(fresh);
          long first =
              await().atMost(BOUND).until(() -> fresh.firstServed().orElse(0), t -> t != 0);
          firstCalls.add(Duration.ofNanos(first - added));
          serving.addLast(fresh);

          int failedBeforeLeaving = load.failed();
          failedWhileJoining.add(failedBeforeLeaving - failedBefore);
          Pods.Pod leaver = serving.removeFirst();
          old.add(leaver);
          int servedBefore = leaver.served.get();
          leaving.put(leaver.address, System.nanoTime());
          dir.startTerminating(leaver);
          if (drain == Drain.AFTER_THE_CLIENT_SEES_IT_LEAVE) {
            await().atMost(BOUND).until(() -> left.containsKey(leaver.address));
          }
          drains.add(leaver.drain(BOUND));
          terminated.add(System.nanoTime());
          servedWhileLeaving.add(leaver.served.get() - servedBefore);
          dir.delete(leaver);
          load.awaitCallsInFlight();
          failedWhileLeaving.add(load.failed() - failedBeforeLeaving);
        }
        load.stop();
        await().atMost(BOUND).until(() -> left.size() == old.size());
        List<Duration> eligibleAfterDrain = new ArrayList<>();
        for (int i = 0; i < old.size(); i++) {
          long after = left.get(old.get(i).address) - terminated.get(i);
          if (after > 0) {
            eligibleAfterDrain.add(Duration.ofNanos(after));
          }
        }
        return new Outcome(
            updates,
            load.answered(),
            load.failed(),
            load.failuresByStatus(),
            firstCalls,
            old.stream()
                .map(p -> Duration.ofNanos(left.get(p.address) - leaving.get(p.address)))
                .toList(),
            drains,
            eligibleAfterDrain,
            servedWhileLeaving,
            failedWhileJoining,
            failedWhileLeaving);
      }
    }
  }

  /** Records when each leaving pod is first no longer eligible in a snapshot the watch reports. */
  private static void recordLeft(
      WatchEvent event, Map<InetSocketAddress, Long> leaving, Map<InetSocketAddress, Long> left) {
    if (event instanceof WatchEvent.Changed changed) {
      long now = System.nanoTime();
      Set<InetSocketAddress> eligible =
          changed.current().eligible().stream().map(Endpoint::address).collect(Collectors.toSet());
      leaving.keySet().stream()
          .filter(a -> !eligible.contains(a))
          .forEach(a -> left.putIfAbsent(a, now));
    }
  }
}
