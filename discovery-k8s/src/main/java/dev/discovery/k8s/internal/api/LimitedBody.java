package dev.discovery.k8s.internal.api;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A response body read into memory up to a limit, one chunk requested at a time. Past the limit it
 * stops reading: either it fails with the given failure (a list too large to accept) or it keeps
 * what it has (an error body, of which the first kilobytes say enough).
 */
final class LimitedBody implements BodySubscriber<byte[]> {
  private final long limit;
  private final Supplier<ApiFailure> tooLarge; // null: truncate instead
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private boolean done;

  private LimitedBody(long limit, Supplier<ApiFailure> tooLarge) {
    this.limit = limit;
    this.tooLarge = tooLarge;
  }

  /** Fails with {@code tooLarge} when the body exceeds {@code limit} bytes. */
  static LimitedBody failingOver(long limit, Supplier<ApiFailure> tooLarge) {
    return new LimitedBody(limit, tooLarge);
  }

  /** Keeps the first {@code limit} bytes and stops reading. */
  static LimitedBody truncatingAt(long limit) {
    return new LimitedBody(limit, null);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (done) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int room = (int) Math.min(Integer.MAX_VALUE, limit - bytes.size());
      if (buffer.remaining() > room) {
        done = true;
        subscription.cancel();
        if (tooLarge != null) {
          result.completeExceptionally(tooLarge.get().toException());
        } else {
          byte[] part = new byte[room];
          buffer.get(part);
          bytes.write(part, 0, room);
          result.complete(bytes.toByteArray());
        }
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable throwable) {
    done = true;
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    done = true;
    result.complete(bytes.toByteArray());
  }
}
