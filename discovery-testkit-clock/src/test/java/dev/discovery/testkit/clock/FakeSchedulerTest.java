package dev.discovery.testkit.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeSchedulerTest {
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final FakeClock clock = scheduler.clock();
  private final List<String> ran = new ArrayList<>();

  @Test
  void execute_runsAtOnceOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    List<Thread> threads = new ArrayList<>();
    scheduler.execute(() -> threads.add(Thread.currentThread()));
    assertThat(threads).containsExactly(caller);
  }

  @Test
  void execute_fromInsideATask_runsAfterIt_notNested() {
    scheduler.execute(
        () -> {
          ran.add("outer-start");
          scheduler.execute(() -> ran.add("inner"));
          ran.add("outer-end");
        });
    assertThat(ran).containsExactly("outer-start", "outer-end", "inner");
  }

  @Test
  void delayedTasks_runInDueOrder_withTheClockAtTheirDueTime() {
    Instant start = clock.instant();
    List<Duration> seenAt = new ArrayList<>();
    scheduler.schedule(
        () -> seenAt.add(Duration.between(start, clock.instant())), 3, TimeUnit.SECONDS);
    scheduler.schedule(
        () -> seenAt.add(Duration.between(start, clock.instant())), 1, TimeUnit.SECONDS);

    scheduler.advance(Duration.ofMillis(999));
    assertThat(seenAt).isEmpty();

    scheduler.advance(Duration.ofSeconds(5));
    assertThat(seenAt).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3));
    assertThat(clock.instant()).isEqualTo(start.plusMillis(5999));
  }

  @Test
  void tasksOfTheSameDueTime_runInSubmissionOrder() {
    for (int i = 0; i < 5; i++) {
      int n = i;
      scheduler.schedule(() -> ran.add("t" + n), 1, TimeUnit.SECONDS);
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("t0", "t1", "t2", "t3", "t4");
  }

  @Test
  void fixedRateTask_runsOncePerPeriod_untilCancelled() {
    ScheduledFuture<?> f =
        scheduler.scheduleAtFixedRate(() -> ran.add("tick"), 1, 2, TimeUnit.SECONDS);
    scheduler.advance(Duration.ofSeconds(6)); // at 1, 3, 5
    assertThat(ran).hasSize(3);
    f.cancel(false);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(ran).hasSize(3);
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void cancelledTask_neverRuns() {
    ScheduledFuture<?> f = scheduler.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);
    assertThat(scheduler.nextTaskDelay()).contains(Duration.ofSeconds(1));
    f.cancel(false);
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(scheduler.nextTaskDelay()).isEmpty();
  }

  @Test
  void throwingTask_isRecorded_andOthersStillRun() {
    scheduler.schedule(
        () -> {
          throw new IllegalStateException("boom");
        },
        1,
        TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("after"), 1, TimeUnit.SECONDS);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("after");
    assertThat(scheduler.failures())
        .singleElement()
        .extracting(Throwable::getMessage)
        .isEqualTo("boom");
  }

  @Test
  void clock_neverGoesBack_andRejectsNegativeSteps() {
    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> clock.set(clock.instant().minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: not before");
  }

  @Test
  void shutdown_rejectsNewTasks_andDropsPeriodicOnes() {
    scheduler.scheduleWithFixedDelay(() -> ran.add("p"), 1, 1, TimeUnit.SECONDS);
    scheduler.shutdown();
    assertThat(scheduler.isTerminated()).isTrue();
    assertThatThrownBy(() -> scheduler.execute(() -> {})).hasMessage("FakeScheduler is shut down");
  }
}
