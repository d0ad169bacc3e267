package dev.discovery.k8s.internal.api;

import static dev.discovery.k8s.internal.api.ScriptedTransport.dropped;
import static dev.discovery.k8s.internal.api.ScriptedTransport.object;
import static dev.discovery.k8s.internal.api.ScriptedTransport.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.ResolutionError;
import dev.discovery.api.ResolutionError.Kind;
import dev.discovery.k8s.internal.api.ResourceWatch.Options;
import dev.discovery.k8s.internal.api.ScriptedTransport.Watch;
import dev.discovery.spi.Backoff;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceWatchTest {
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(30));
  private static final Options LIST_WATCH = new Options(BACKOFF, Duration.ofSeconds(90), false);
  private static final Options STREAMING = new Options(BACKOFF, Duration.ofSeconds(90), true);

  private final FakeScheduler scheduler = FakeScheduler.create();
  private final ScriptedTransport transport = new ScriptedTransport();
  private final Recorder listener = new Recorder();
  private RandomGenerator random = new FixedRandom(0.5); // jitter factor exactly 1
  private ResourceWatch<String> watch;

  @AfterEach
  void noTaskFailed() {
    assertThat(scheduler.failures()).isEmpty();
  }

  private void start(Options options) {
    watch =
        new ResourceWatch<>(
            transport,
            ResourceQuery.endpointSlices("shop", "web"),
            o -> (String) java.util.Objects.requireNonNull(o.get("value"), "value"),
            listener,
            new ResourceWatch.Runtime(scheduler, scheduler, scheduler.clock(), random),
            options);
    watch.start();
  }

  /** Starts with list+watch, lists two slices at version 10 and opens the watch. */
  private Watch listed() {
    start(LIST_WATCH);
    transport.lastGet().answer("10", object("web-a", "8", "a1"), object("web-b", "9", "b1"));
    return transport.lastWatch().open();
  }

  @Test
  void start_listsThenWatchesFromTheListVersionWithBookmarksAndATimeoutOf5To10Minutes() {
    start(LIST_WATCH);

    ApiRequest list = transport.lastRequest();
    assertThat(list.verb()).isEqualTo("list");
    assertThat(list.pathAndQuery())
        .isEqualTo(
            "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
                + "?labelSelector=kubernetes.io%2Fservice-name%3Dweb");
    transport.lastGet().answer("10", object("web-a", "8", "a1"));

    assertThat(listener.snapshots).hasSize(1);
    assertThat(listener.last().items()).containsExactly(Map.entry("shop/web-a", "a1"));
    assertThat(listener.last().resourceVersion()).isEqualTo("10");
    ApiRequest w = transport.lastWatch().request;
    assertThat(w.verb()).isEqualTo("watch");
    assertThat(w.query())
        .containsEntry("labelSelector", "kubernetes.io/service-name=web")
        .containsEntry("watch", "1")
        .containsEntry("resourceVersion", "10")
        .containsEntry("allowWatchBookmarks", "true")
        .containsEntry("timeoutSeconds", "450") // 300 + 0.5 x 301
        .doesNotContainKey("sendInitialEvents");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void watchTimeout_isDrawnBetween300And600Seconds(long seed) {
    random = new Random(seed);
    Watch w = listed();
    List<Integer> timeouts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      scheduler.advance(Duration.ofSeconds(2));
      w.bookmark("1" + i).end();
      w = transport.lastWatch().open();
      timeouts.add(Integer.parseInt(w.request.query().get("timeoutSeconds")));
    }
    assertThat(timeouts).allSatisfy(t -> assertThat(t).isBetween(300, 600));
    assertThat(timeouts.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void events_deliverTheWholeCurrentMapEachTime_andAnUnchangedObjectNothing() {
    Watch w = listed();

    w.event("ADDED", object("web-c", "11", "c1"));
    assertThat(listener.last().items())
        .containsExactly(
            Map.entry("shop/web-a", "a1"),
            Map.entry("shop/web-b", "b1"),
            Map.entry("shop/web-c", "c1"));
    assertThat(listener.last().resourceVersion()).isEqualTo("11");

    w.event("MODIFIED", object("web-a", "12", "a2"));
    assertThat(listener.last().items()).containsEntry("shop/web-a", "a2").hasSize(3);

    w.event("DELETED", object("web-b", "13", "b1"));
    assertThat(listener.last().items()).containsOnlyKeys("shop/web-a", "shop/web-c");

    int before = listener.snapshots.size();
    w.event("MODIFIED", object("web-a", "14", "a2")); // same decoded value
    assertThat(listener.snapshots).hasSize(before);
    assertThat(transport.lists()).isEqualTo(1);
  }

  @Test
  void droppedStream_resumesFromTheLastVersionSeenWithoutAList_keepingTheLastGood() {
    Watch w = listed();
    w.event("MODIFIED", object("web-a", "15", "a2"));

    w.fail(dropped());

    assertThat(listener.errors).hasSize(1);
    assertThat(listener.errors.get(0).stillServingLastGood()).isTrue();
    assertThat(listener.last().items()).containsEntry("shop/web-a", "a2").hasSize(2);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(transport.watches).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(transport.watches).hasSize(2);
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("15");
    assertThat(transport.lists()).isEqualTo(1);
  }

  @Test
  void bookmarks_advanceTheVersionAResumeUses() {
    Watch w = listed();
    w.bookmark("20").bookmark("27");
    int snapshots = listener.snapshots.size();

    w.fail(dropped());
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("27");
    assertThat(listener.snapshots).hasSize(snapshots); // a bookmark changes no object
    assertThat(transport.lists()).isEqualTo(1);
  }

  @Test
  void watchTimeout_resumesAtOnceFromTheLastVersion_withoutAListOrAnError() {
    Watch w = listed();
    for (int minute = 1; minute <= 7; minute++) {
      scheduler.advance(Duration.ofMinutes(1));
      w.bookmark("3" + minute);
    }
    w.end();

    assertThat(transport.watches).hasSize(2);
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("37");
    assertThat(transport.lists()).isEqualTo(1);
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void watchEndingAtOnceWithNothingSent_isAFailure_notATightLoop() {
    Watch w = listed();
    w.end();

    assertThat(listener.errors).extracting(e -> e.error().kind()).containsExactly(Kind.UNAVAILABLE);
    assertThat(listener.errors.get(0).error().message())
        .isEqualTo(
            "the Kubernetes API ended the watch endpointslices.discovery.k8s.io in namespace shop"
                + " at once, with nothing sent (expected: a watch that lasts its timeoutSeconds)");
    assertThat(transport.watches).hasSize(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.watches).hasSize(2);
  }

  @Test
  void expiredAsHttpStatus_listsAgainExactlyOnce() {
    Watch w = listed();
    w.fail(dropped());
    scheduler.advance(Duration.ofSeconds(1));

    transport.lastWatch().fail(status(410, "too old resource version: 10 (25)"));

    assertThat(transport.lists()).isEqualTo(2);
    transport.lastGet().answer("40", object("web-a", "39", "a3"));
    assertThat(listener.last().items()).containsExactly(Map.entry("shop/web-a", "a3"));
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("40");
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(transport.lists()).isEqualTo(2);
  }

  @Test
  void expiredAsErrorEventInTheStream_listsAgainExactlyOnce_servingTheLastGoodMeanwhile() {
    Watch w = listed();
    w.event("ADDED", object("web-c", "11", "c1"));
    int snapshots = listener.snapshots.size();

    w.fail(
        status(410, "too old resource version: 11 (50)")); // the ERROR event, as the client ends it

    assertThat(transport.lists()).isEqualTo(2);
    assertThat(listener.snapshots).hasSize(snapshots);
    assertThat(listener.errors).isEmpty();
    transport.lastGet().answer("51", object("web-a", "50", "a1"));
    assertThat(listener.last().items()).containsOnlyKeys("shop/web-a");
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("51");
    assertThat(transport.lists()).isEqualTo(2);
  }

  @Test
  void expiredAgainBeforeAnyDelivery_waitsTheBackoffBeforeTheNextList() {
    Watch w = listed();
    w.fail(status(410, "expired"));
    transport.lastGet().answer("60");

    transport.lastWatch().fail(status(410, "expired"));

    assertThat(transport.lists()).isEqualTo(2);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lists()).isEqualTo(3);
  }

  @Test
  void stalledStream_isClosedAfterTheIdleBound_reportedAndResumed() {
    Watch w = listed();
    scheduler.advance(Duration.ofSeconds(60));
    w.bookmark("70"); // activity: the bound counts from here
    scheduler.advance(Duration.ofSeconds(89));
    assertThat(w.cancelled).isFalse();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(w.cancelled).isTrue();
    assertThat(listener.errors).hasSize(1);
    assertThat(listener.errors.get(0).error().message())
        .isEqualTo(
            "the watch endpointslices.discovery.k8s.io in namespace shop stalled: nothing for 90 s,"
                + " not even a bookmark (expected: something at least every 90 s); reconnecting");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("70");
    assertThat(transport.lists()).isEqualTo(1);
  }

  /**
   * Bytes arriving without a whole line (a long event read over many chunks) are activity: the
   * stream is slow, not stalled, and the line's own end (its limit, say) is what gets reported.
   */
  @Test
  void bytesOfALongLine_keepTheStreamFromCountingAsStalled() {
    Watch w = listed();
    for (int i = 0; i < 10; i++) {
      scheduler.advance(Duration.ofSeconds(60));
      w.handler.onData();
    }
    assertThat(w.cancelled).as("600 s of bytes and no line").isFalse();
    assertThat(listener.errors).isEmpty();

    scheduler.advance(Duration.ofSeconds(90));
    assertThat(w.cancelled).as("then 90 s of nothing").isTrue();
  }

  @Test
  void tooManyRequests_waitsAtLeastRetryAfter() {
    Watch w = listed();
    w.fail(
        status(
            429,
            ResolutionError.unavailable("throttled: retrying after 20 s"),
            Duration.ofSeconds(20)));

    scheduler.advance(Duration.ofMillis(19_999));
    assertThat(transport.watches).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(transport.watches).hasSize(2);
  }

  @Test
  void backoff_growsToItsCap_andResetsOnceAWatchDelivers() {
    Watch w = listed();
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      w.fail(dropped());
      waits.add(scheduler.nextTaskDelay().orElseThrow());
      scheduler.advance(waits.get(i));
      w = transport.lastWatch();
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    w.open().bookmark("80");
    w.fail(dropped());
    assertThat(scheduler.nextTaskDelay()).contains(Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 11, 2024, 99991})
  void backoff_jitterStaysWithinHalfOfTheNominalWait(long seed) {
    random = new Random(seed);
    Watch w = listed();
    long[] nominal = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (long n : nominal) {
      w.fail(dropped());
      Duration wait = scheduler.nextTaskDelay().orElseThrow();
      assertThat(wait.toMillis()).isBetween(n / 2, n * 3 / 2);
      scheduler.advance(wait);
      w = transport.lastWatch();
    }
  }

  @Test
  void malformedEvent_isAnInvalidAnswer_andTheStreamResumesFromTheLastGoodVersion() {
    Watch w = listed();
    w.bookmark("90");

    w.event("SOMETHING", object("web-a", "91", "a9"));

    assertThat(w.cancelled).isTrue();
    assertThat(listener.errors)
        .extracting(e -> e.error())
        .containsExactly(
            ResolutionError.invalidAnswer(
                "the Kubernetes API sent a watch event of type SOMETHING (expected: ADDED, MODIFIED,"
                    + " DELETED, BOOKMARK or ERROR) on watch endpointslices.discovery.k8s.io in"
                    + " namespace shop"));
    assertThat(listener.last().items()).containsEntry("shop/web-a", "a1");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("90");
    assertThat(transport.lists()).isEqualTo(1);
  }

  @Test
  void malformedLineSeenByTheTransport_resumesFromTheLastGoodVersion() {
    Watch w = listed();
    w.fail(ApiFailure.of(ResolutionError.invalidAnswer("a watch event that is not a JSON object")));

    assertThat(listener.errors)
        .extracting(e -> e.error().kind())
        .containsExactly(Kind.INVALID_ANSWER);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lastWatch().resourceVersion()).isEqualTo("10");
    assertThat(transport.lists()).isEqualTo(1);
  }

  @Test
  void objectTheDecoderCannotRead_failsTheList_andTheListIsRetried() {
    start(LIST_WATCH);
    transport
        .lastGet()
        .answer("10", Map.of("metadata", Map.of("name", "web-a", "namespace", "shop")));

    assertThat(listener.snapshots).isEmpty();
    assertThat(listener.errors)
        .extracting(e -> e.error().message())
        .containsExactly(
            "the Kubernetes API sent an unreadable object shop/web-a (value) on list"
                + " endpointslices.discovery.k8s.io in namespace shop");
    assertThat(listener.errors.get(0).stillServingLastGood()).isFalse();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lists()).isEqualTo(2);
  }

  @Test
  void forbidden_isReported_andRetriedWithBackoff_becauseRbacCanBeGrantedWhileRunning() {
    start(LIST_WATCH);
    ResolutionError forbidden = ResolutionError.permissionDenied("forbidden to list ...");
    transport.lastGet().fail(status(403, forbidden, null));
    assertThat(listener.errors).extracting(e -> e.error()).containsExactly(forbidden);

    scheduler.advance(Duration.ofSeconds(1));
    transport.lastGet().fail(status(403, forbidden, null));
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lists()).isEqualTo(2);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lists()).isEqualTo(3);
    transport.lastGet().answer("5", object("web-a", "4", "a1"));
    assertThat(listener.snapshots).hasSize(1);
  }

  @Test
  void afterAnError_theNextAcceptedWatchHandsTheUnchangedMapOnAgain() {
    Watch w = listed();
    w.fail(dropped());
    int snapshots = listener.snapshots.size();
    scheduler.advance(Duration.ofSeconds(1));

    transport.lastWatch().open();

    assertThat(listener.snapshots).hasSize(snapshots + 1);
    assertThat(listener.last().items()).hasSize(2);
    transport.lastWatch().bookmark("11");
    assertThat(listener.snapshots).hasSize(snapshots + 1);
  }

  @Test
  void close_cancelsTheStreamAndEveryTimer_andSilencesTheListener() {
    Watch w = listed();
    assertThat(scheduler.pendingTasks()).isEqualTo(1); // the stall check

    watch.close();

    assertThat(w.cancelled).isTrue();
    assertThat(scheduler.pendingTasks()).isZero();
    int events = listener.snapshots.size() + listener.errors.size();
    w.event("ADDED", object("web-c", "11", "c1"));
    w.fail(dropped());
    scheduler.advance(Duration.ofHours(1));
    assertThat(listener.snapshots.size() + listener.errors.size()).isEqualTo(events);
    assertThat(transport.watches).hasSize(1);
  }

  @Test
  void close_whileWaitingToRetry_cancelsTheRetry() {
    Watch w = listed();
    w.fail(dropped());
    assertThat(scheduler.pendingTasks()).isEqualTo(1);

    watch.close();

    assertThat(scheduler.pendingTasks()).isZero();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(transport.watches).hasSize(1);
  }

  @Test
  void listenerThatThrows_doesNotStopTheLoop() {
    listener.throwing = true;
    Watch w = listed();
    w.event("ADDED", object("web-c", "11", "c1"));
    w.fail(dropped());
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.watches).hasSize(2);
    assertThat(listener.snapshots).hasSize(2);
  }

  @Test
  void streamingList_gathersInitialEventsUntilTheEndBookmark_intoOneSnapshot_withoutAList() {
    start(STREAMING);
    Watch w = transport.lastWatch();
    assertThat(w.request.query())
        .containsEntry("sendInitialEvents", "true")
        .containsEntry("resourceVersionMatch", "NotOlderThan")
        .containsEntry("allowWatchBookmarks", "true")
        .doesNotContainKey("resourceVersion");

    w.open().event("ADDED", object("web-a", "5", "a1")).event("ADDED", object("web-b", "6", "b1"));
    assertThat(listener.snapshots).isEmpty();
    w.initialEventsEnd("7");

    assertThat(listener.snapshots).hasSize(1);
    assertThat(listener.last().items()).containsOnlyKeys("shop/web-a", "shop/web-b");
    assertThat(listener.last().resourceVersion()).isEqualTo("7");
    w.event("DELETED", object("web-a", "8", "a1"));
    assertThat(listener.last().items()).containsOnlyKeys("shop/web-b");

    w.fail(dropped());
    scheduler.advance(Duration.ofSeconds(1));
    Watch resumed = transport.lastWatch();
    assertThat(resumed.resourceVersion()).isEqualTo("8");
    assertThat(resumed.request.query()).doesNotContainKey("sendInitialEvents");
    assertThat(transport.lists()).isZero();
  }

  @Test
  void streamingList_rejectedWith422_fallsBackToListAndWatch_withoutReportingAnError() {
    start(STREAMING);
    transport.lastWatch().fail(status(422, "sendInitialEvents is forbidden for watch"));

    assertThat(transport.lists()).isEqualTo(1);
    assertThat(listener.errors).isEmpty();
    transport.lastGet().answer("10", object("web-a", "8", "a1"));
    assertThat(listener.snapshots).hasSize(1);
    assertThat(transport.lastWatch().request.query()).doesNotContainKey("sendInitialEvents");

    transport.lastWatch().fail(status(410, "expired")); // a later relist lists again
    assertThat(transport.lists()).isEqualTo(2);
  }

  @Test
  void streamingList_plainBookmarkBeforeTheEndBookmark_meansNoStreamingLists_soItLists() {
    start(STREAMING);
    Watch w = transport.lastWatch().open().event("ADDED", object("web-a", "5", "a1"));

    w.bookmark("6");

    assertThat(w.cancelled).isTrue();
    assertThat(transport.lists()).isEqualTo(1);
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void streamingList_droppedBeforeItsEnd_startsOverRatherThanResuming() {
    start(STREAMING);
    transport.lastWatch().open().event("ADDED", object("web-a", "5", "a1")).fail(dropped());

    assertThat(listener.errors.get(0).stillServingLastGood()).isFalse();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(transport.lastWatch().request.query()).containsEntry("sendInitialEvents", "true");
  }

  // ---- helpers ----

  record Snapshot(SortedMap<String, String> items, String resourceVersion) {}

  record Error(ResolutionError error, boolean stillServingLastGood) {}

  static final class Recorder implements ResourceWatch.Listener<String> {
    final List<Snapshot> snapshots = new ArrayList<>();
    final List<Error> errors = new ArrayList<>();
    boolean throwing;

    @Override
    public void onSnapshot(SortedMap<String, String> current, String resourceVersion) {
      snapshots.add(new Snapshot(current, resourceVersion));
      if (throwing) {
        throw new IllegalStateException("listener bug");
      }
    }

    @Override
    public void onError(ResolutionError error, boolean stillServingLastGood) {
      errors.add(new Error(error, stillServingLastGood));
      if (throwing) {
        throw new IllegalStateException("listener bug");
      }
    }

    Snapshot last() {
      return snapshots.get(snapshots.size() - 1);
    }
  }

  /** Always draws the same fraction, so waits and timeouts are exact. */
  record FixedRandom(double fraction) implements RandomGenerator {
    @Override
    public long nextLong() {
      return (long) (fraction * Long.MAX_VALUE);
    }

    @Override
    public double nextDouble() {
      return fraction;
    }

    @Override
    public int nextInt(int bound) {
      return (int) (fraction * bound);
    }
  }
}
