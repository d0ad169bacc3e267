package dev.discovery.grpc;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Threads that call a channel until stopped, each call as soon as the last is answered (or after a
 * fixed pause, to pace the load), counting the answers and the failures by status.
 */
final class CallingThreads implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final ExecutorService threads;
  private final List<Future<?>> loops = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicIntegerArray finished; // per thread: calls answered or failed
  private final Queue<String> firstFailures = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> failuresByStatus = new ConcurrentHashMap<>();

  private CallingThreads(int count, Duration pause, IntFunction<String> call) {
    threads = Executors.newFixedThreadPool(count, r -> new Thread(r, "test-caller"));
    finished = new AtomicIntegerArray(count);
    for (int i = 0; i < count; i++) {
      int thread = i;
      loops.add(threads.submit(() -> callUntilStopped(thread, pause.toNanos(), call)));
    }
  }

  /** {@code count} threads calling {@code channel} without pause. */
  static CallingThreads start(Channel channel, int count) {
    return new CallingThreads(count, Duration.ZERO, i -> Calls.who(channel));
  }

  /**
   * {@code count} threads, each making call after call with {@code pause} after each (a pacing of
   * the load, never a wait for a condition).
   *
   * @param call one blocking call: given the number of calls this thread made before, it returns
   *     the pod that answered or throws the failure
   */
  static CallingThreads paced(int count, Duration pause, IntFunction<String> call) {
    return new CallingThreads(count, pause, call);
  }

  private void callUntilStopped(int thread, long pauseNanos, IntFunction<String> call) {
    int made = 0;
    while (!stop.get()) {
      try {
        call.apply(thread * 1_000_000 + made++);
        answered.incrementAndGet();
      } catch (StatusRuntimeException e) {
        if (failed.incrementAndGet() <= 3) {
          firstFailures.add(e.getStatus().toString());
        }
        failuresByStatus
            .computeIfAbsent(
                e.getStatus().getCode() + ": " + e.getStatus().getDescription(),
                k -> new AtomicInteger())
            .incrementAndGet();
      }
      finished.incrementAndGet(thread);
      if (pauseNanos > 0) {
        LockSupport.parkNanos(pauseNanos);
      }
    }
  }

  int answered() {
    return answered.get();
  }

  int failed() {
    return failed.get();
  }

  /** Waits until {@code calls} more calls than now have been answered. */
  void awaitMoreAnswers(int calls) {
    int target = answered.get() + calls;
    await().atMost(BOUND).until(() -> answered.get() >= target);
  }

  /**
   * Waits until every thread has finished one more call: every call in flight now has then been
   * answered or has failed, and counted.
   */
  void awaitCallsInFlight() {
    int[] before = new int[finished.length()];
    for (int i = 0; i < before.length; i++) {
      before[i] = finished.get(i);
    }
    await()
        .atMost(BOUND)
        .until(
            () -> {
              for (int i = 0; i < before.length; i++) {
                if (finished.get(i) < before[i] + 1) {
                  return false;
                }
              }
              return true;
            });
  }

  /**
   * Stops the threads and waits for their last calls.
   *
   * @return the number of calls that failed
   */
  int stop() throws Exception {
    stop.set(true);
    for (Future<?> loop : loops) {
      loop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
    return failed.get();
  }

  /** The first three failures' statuses. */
  List<String> firstFailures() {
    return List.copyOf(firstFailures);
  }

  /** How many calls failed with each status (code and description). */
  Map<String, Integer> failuresByStatus() {
    Map<String, Integer> counts = new TreeMap<>();
    failuresByStatus.forEach((status, n) -> counts.put(status, n.get()));
    return counts;
  }

  @Override
  public void close() {
    stop.set(true);
    threads.shutdownNow();
  }
}
