package dev.discovery.k8s.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A watch body: newline-delimited JSON objects, however the chunks split them, each decoded and
 * handed on as it completes. A line longer than the limit or not a JSON object ends the stream (the
 * subscription cancelled) with the failure {@code malformed} makes of a short reason and what was
 * expected; at most one line is held in memory, and one chunk is requested at a time.
 */
final class EventLines implements BodySubscriber<Void> {
  private static final String NOT_JSON = "(expected: one JSON object per line)";

  private final int maxLineBytes;
  private final Runnable data;
  private final Consumer<Map<String, Object>> events;
  private final BiFunction<String, String, ApiFailure> malformed;
  private final Consumer<ApiFailure> failed;
  private final CompletableFuture<Void> result = new CompletableFuture<>();
  private byte[] line = new byte[256];
  private int length;
  private Flow.Subscription subscription;
  private volatile boolean stopped;

  /**
   * @param data hears that a chunk arrived, before its lines (a long line is progress too)
   * @param events hears each decoded line
   * @param malformed makes the failure for a bad line from a short reason and what was expected
   *     (the line's limit, or a JSON object)
   * @param failed hears that failure (the body then completes normally: the failure is reported
   *     once, here)
   */
  EventLines(
      int maxLineBytes,
      Runnable data,
      Consumer<Map<String, Object>> events,
      BiFunction<String, String, ApiFailure> malformed,
      Consumer<ApiFailure> failed) {
    this.maxLineBytes = maxLineBytes;
    this.data = data;
    this.events = events;
    this.malformed = malformed;
    this.failed = failed;
  }

  @Override
  public CompletionStage<Void> getBody() {
    return result;
  }

  /** Stops reading: no more lines are handed on. Safe from any thread. */
  void stop() {
    stopped = true;
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
    // A cancelled subscription hears no more: the body ends here, else the HTTP client counts
    // the exchange as pending for ever and its selector thread never ends.
    result.complete(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    synchronized (this) {
      this.subscription = subscription;
    }
    if (stopped) {
      subscription.cancel();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (!stopped) {
      data.run();
    }
    for (ByteBuffer buffer : buffers) {
      while (buffer.hasRemaining()) {
        if (stopped) {
          return;
        }
        byte b = buffer.get();
        if (b == '\n') {
          emit();
        } else if (length == maxLineBytes) {
          fail(
              "a watch event longer than " + maxLineBytes + " bytes",
              ApiClient.Limits.raise(maxLineBytes, "maxEventBytes"));
          return;
        } else {
          if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
          }
          line[length++] = b;
        }
      }
    }
    if (!stopped) {
      subscription.request(1);
    }
  }

  private void emit() {
    int end = length;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    byte[] text = Arrays.copyOf(line, end);
    length = 0;
    if (line.length > 4096) {
      line = new byte[256]; // give back a large line's buffer
    }
    if (isBlank(text)) {
      return;
    }
    Map<String, Object> event;
    try {
      event = JSON.std.mapFrom(text);
    } catch (IOException | RuntimeException e) {
      fail(
          "a watch event that is not a JSON object (" + ApiErrors.oneLine(firstLine(e)) + ")",
          NOT_JSON);
      return;
    }
    if (event == null) {
      fail("a watch event that is not a JSON object (null)", NOT_JSON);
      return;
    }
    events.accept(event);
  }

  private static String firstLine(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static boolean isBlank(byte[] text) {
    for (byte b : text) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void fail(String reason, String expected) {
    stopped = true;
    // The failure first: cancelling lets the HTTP client end the exchange at once (as a lost
    // connection), and whichever end the watch hears first is the one it reports.
    failed.accept(malformed.apply(reason, expected));
    subscription.cancel();
    result.complete(null);
  }

  /** The bytes held for the current line (for tests: never more than the limit). */
  int bufferBytes() {
    return line.length;
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    if (!stopped && length > 0) {
      emit(); // a last line without its newline
    }
    result.complete(null);
  }
}
