package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.ResolutionError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The watch body's line reader, fed chunks directly: limits, memory, and the order of its end. */
class EventLinesTest {
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final List<ApiFailure> failures = new ArrayList<>();
  private final Subscription subscription = new Subscription();
  private int chunks;

  /** Counts requests; remembers whether the failure had been reported when it was cancelled. */
  private final class Subscription implements Flow.Subscription {
    long requested;
    boolean cancelled;
    Boolean failureReportedAtCancel;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancelled = true;
      failureReportedAtCancel = !failures.isEmpty();
    }
  }

  private EventLines lines(int maxLineBytes) {
    EventLines l =
        new EventLines(
            maxLineBytes,
            () -> chunks++,
            events::add,
            (reason, expected) ->
                ApiFailure.of(ResolutionError.invalidAnswer(reason + " " + expected)),
            failures::add);
    l.onSubscribe(subscription);
    return l;
  }

  private static List<ByteBuffer> chunk(String text) {
    return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void linesSplitAcrossChunks_areDecodedWhole() {
    EventLines l = lines(1000);
    l.onNext(chunk("{\"type\":\"ADD"));
    l.onNext(chunk("ED\"}\n{\"type\":"));
    l.onNext(chunk("\"MODIFIED\"}\r\n"));
    assertThat(events).extracting(e -> e.get("type")).containsExactly("ADDED", "MODIFIED");
    assertThat(chunks).as("each chunk told as data").isEqualTo(3);
    assertThat(failures).isEmpty();
    assertThat(subscription.requested).isEqualTo(4);
  }

  /**
   * A line far past the limit, in seeded random chunks: the failure names the limit, reading stops
   * (nothing more requested), and the line's buffer never grew past the limit.
   */
  @Test
  void lineLongerThanTheLimit_fails_withItsBufferNeverPastTheLimit() {
    int limit = 1000;
    EventLines l = lines(limit);
    l.onNext(chunk("{\"type\":\"ADDED\"}\n"));
    Random random = new Random(16);
    String padded = "{\"type\":\"MODIFIED\",\"object\":\"" + "x".repeat(100_000) + "\"}\n";
    int at = 0;
    while (at < padded.length() && failures.isEmpty()) {
      int n = Math.min(padded.length() - at, 1 + random.nextInt(700));
      l.onNext(chunk(padded.substring(at, at + n)));
      at += n;
      assertThat(l.bufferBytes()).as("the line's buffer").isLessThanOrEqualTo(limit);
    }
    assertThat(events).hasSize(1);
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).error().message())
        .isEqualTo(
            "a watch event longer than 1000 bytes (expected: at most 1000; raise"
                + " ApiResolverProvider.Builder.maxEventBytes for a Service this large)");
    assertThat(at).as("stopped within a chunk of the limit").isLessThan(limit + 700);
    long requested = subscription.requested;
    l.onNext(chunk("{\"type\":\"ADDED\"}\n"));
    assertThat(events).as("nothing after the failure").hasSize(1);
    assertThat(subscription.requested).isEqualTo(requested);
    assertThat(l.getBody().toCompletableFuture()).isCompletedWithValue(null);
  }

  /**
   * The failure is reported before the subscription is cancelled: cancelling lets the HTTP client
   * end the exchange, and an exchange that ended first would report a lost connection (or nothing)
   * in place of the line's failure.
   */
  @Test
  void failure_isReportedBeforeTheSubscriptionIsCancelled() {
    EventLines l = lines(10);
    l.onNext(chunk("{\"type\":\"MODIFIED\"}\n"));
    assertThat(subscription.cancelled).isTrue();
    assertThat(subscription.failureReportedAtCancel).isTrue();
    assertThat(failures).hasSize(1);

    EventLines malformed = lines(1000);
    subscription.cancelled = false;
    failures.clear();
    malformed.onNext(chunk("{\"type\n"));
    assertThat(subscription.cancelled).isTrue();
    assertThat(subscription.failureReportedAtCancel).isTrue();
  }
}
