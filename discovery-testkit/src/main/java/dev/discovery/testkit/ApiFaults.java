package dev.discovery.testkit;

import dev.discovery.testkit.internal.ApiAuthenticator;
import dev.discovery.testkit.internal.ApiFaultState;
import dev.discovery.testkit.internal.WatchCache;
import dev.discovery.testkit.internal.WatchStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The faults a test injects into a {@link FakeApiServer}: broken, stalled and expired watches,
 * refused credentials, throttling, server errors, slowness and garbage. Each takes effect at once
 * and stays until {@link #reset()} unless it says otherwise ("the next N requests"). Thread-safe.
 *
 * <pre>{@code
 * api.faults().expiredAs(ExpiredStyle.HTTP_STATUS).expireHistory();
 * api.faults().tooManyRequests(2, Duration.ofSeconds(1));
 * String fresh = api.faults().rotateToken(Duration.ofMinutes(1)); // the old token: 401 after a minute
 * }</pre>
 *
 * @since 0.1
 */
public final class ApiFaults {
  private final ApiFaultState state;
  private final ApiAuthenticator authenticator;
  private final WatchCache cache;
  private final Set<WatchStream> streams;

  ApiFaults(
      ApiFaultState state,
      ApiAuthenticator authenticator,
      WatchCache cache,
      Set<WatchStream> streams) {
    this.state = state;
    this.authenticator = authenticator;
    this.cache = cache;
    this.streams = streams;
  }

  /** Ends every open watch stream now (the response ends; events not yet written are lost). */
  public ApiFaults dropWatches() {
    streams.forEach(WatchStream::drop);
    return this;
  }

  /** Ends each watch stream open now after it has written {@code events} more events. */
  public ApiFaults dropWatchesAfter(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("events: " + events + " (expected: >= 0)");
    }
    streams.forEach(s -> s.dropAfter(events));
    return this;
  }

  /**
   * Stalls every watch stream, open or opened later: no bytes, bookmarks included, the connection
   * open, until {@link #releaseWatches()}. Events are kept and written on release.
   */
  public ApiFaults stallWatches() {
    state.stall(true);
    return this;
  }

  /** Lets stalled watch streams write again. */
  public ApiFaults releaseWatches() {
    state.stall(false);
    return this;
  }

  /**
   * How a watch from a too old resource version hears 410 Expired (default: an ERROR event in the
   * stream, as Kubernetes' watch cache answers).
   */
  public ApiFaults expiredAs(ExpiredStyle style) {
    state.expiredStyle(Objects.requireNonNull(style, "style"));
    return this;
  }

  /**
   * Forgets the watch history: a watch from any resource version before the current one gets 410
   * Expired, in the style {@link #expiredAs} chose. Open watches go on.
   */
  public ApiFaults expireHistory() {
    cache.expire();
    return this;
  }

  /**
   * Forgets the watch history and ends every open watch with an ERROR event holding a 410 Expired
   * {@code Status}, as an API server does when a watcher falls too far behind.
   */
  public ApiFaults expireOpenWatches() {
    cache.expire();
    streams.forEach(s -> s.expire("The resourceVersion for the provided watch is too old."));
    return this;
  }

  /** Answers 401 Unauthorized to requests with {@code token}. */
  public ApiFaults unauthorized(String token) {
    authenticator.refuse(Objects.requireNonNull(token, "token"));
    return this;
  }

  /** Answers 403 Forbidden to {@code verb} ({@code list}...) on {@code resource} anywhere. */
  public ApiFaults forbid(String verb, String resource) {
    return forbid(verb, resource, null);
  }

  /**
   * Answers 403 Forbidden to {@code verb} on {@code resource} in {@code namespace} (null: in every
   * namespace and at the cluster scope).
   */
  public ApiFaults forbid(String verb, String resource, String namespace) {
    state.forbid(
        new ApiFaultState.Forbidden(
            Objects.requireNonNull(verb, "verb"),
            Objects.requireNonNull(resource, "resource"),
            namespace));
    return this;
  }

  /** Answers the next {@code times} requests with 429 and {@code Retry-After} (whole seconds). */
  public ApiFaults tooManyRequests(int times, Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    state.tooManyRequests(checkTimes(times), retryAfter);
    return this;
  }

  /** Answers the next {@code times} requests with 500 InternalError. */
  public ApiFaults internalErrors(int times) {
    state.internalErrors(checkTimes(times));
    return this;
  }

  /** Delays every response by {@code delay} (zero: no delay). */
  public ApiFaults delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    state.delay(delay);
    return this;
  }

  /** Writes one malformed line before the next event any watch stream writes. */
  public ApiFaults malformedEvent() {
    state.malformedEvent();
    return this;
  }

  /**
   * Answers the next {@code times} lists with a JSON object of {@code bytes} bytes (an empty list
   * and a long padding string), written as it goes: for a client's limit on response size.
   */
  public ApiFaults oversizedLists(int times, long bytes) {
    state.oversizedLists(checkTimes(times), checkBytes(bytes));
    return this;
  }

  /**
   * Writes one event line of {@code bytes} bytes (a MODIFIED event whose object is a long padding
   * string), written as it goes, before the next event any watch stream writes: for a client's
   * limit on event size.
   */
  public ApiFaults oversizedEvent(long bytes) {
    state.oversizedEvent(checkBytes(bytes));
    return this;
  }

  private static long checkBytes(long bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 64)");
    }
    return bytes;
  }

  /**
   * Accepts a new bearer token and returns it; the current one stays accepted for {@code grace} by
   * the server's clock, then gets 401.
   */
  public String rotateToken(Duration grace) {
    return authenticator.rotate(Objects.requireNonNull(grace, "grace"));
  }

  /** Refuses client certificates (requests that have no accepted token get 401). */
  public ApiFaults rejectClientCertificates() {
    authenticator.rejectCertificates(true);
    return this;
  }

  /** Clears every fault (token rotations stay, and so does expired history). */
  public ApiFaults reset() {
    state.reset();
    authenticator.reset();
    return this;
  }

  private static int checkTimes(int times) {
    if (times < 0) {
      throw new IllegalArgumentException("times: " + times + " (expected: >= 0)");
    }
    return times;
  }
}
