package dev.discovery.grpc;

import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that call a channel without pause until stopped, each call as soon as the last is
 * answered, counting the answers and keeping the first failures.
 */
final class CallingThreads implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final ExecutorService threads;
  private final List<Future<?>> loops = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final Queue<String> firstFailures = new ConcurrentLinkedQueue<>();

  private CallingThreads(Channel channel, int count) {
    threads = Executors.newFixedThreadPool(count, r -> new Thread(r, "test-caller"));
    for (int i = 0; i < count; i++) {
      loops.add(threads.submit(() -> callUntilStopped(channel)));
    }
  }

  /** {@code count} threads calling {@code channel}. */
  static CallingThreads start(Channel channel, int count) {
    return new CallingThreads(channel, count);
  }

  private void callUntilStopped(Channel channel) {
    while (!stop.get()) {
      try {
        Calls.who(channel);
        answered.incrementAndGet();
      } catch (StatusRuntimeException e) {
        if (failed.incrementAndGet() <= 3) {
          firstFailures.add(e.getStatus().toString());
        }
      }
    }
  }

  int answered() {
    return answered.get();
  }

  /** Waits until {@code calls} more calls than now have been answered. */
  void awaitMoreAnswers(int calls) {
    int target = answered.get() + calls;
    await().atMost(BOUND).until(() -> answered.get() >= target);
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

  @Override
  public void close() {
    stop.set(true);
    threads.shutdownNow();
  }
}
