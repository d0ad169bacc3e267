package dev.discovery.k8s.internal.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The two things the list/watch loop asks of the API server. {@link ApiClient} does them over HTTP;
 * tests script them.
 */
public interface ApiTransport {

  /**
   * GETs one JSON object (a list, or one object). The future completes with the decoded object, or
   * fails with an {@link ApiException} carrying the {@link ApiFailure}; it completes on a thread of
   * the transport's, never the caller's.
   */
  CompletableFuture<Map<String, Object>> get(ApiRequest request);

  /**
   * Opens a watch: {@code handler} hears {@link WatchHandler#onOpen()} once the server accepts it,
   * then each event, then exactly one {@link WatchHandler#onEnd(Optional)} unless the stream is
   * cancelled first (after {@link WatchStream#cancel()} it hears nothing more). An ERROR event is
   * not handed on as an event: it ends the stream, its Status the failure (a 410 in the stream
   * looks like a 410 answer). Calls come one at a time, from the transport's threads.
   */
  WatchStream watch(ApiRequest request, WatchHandler handler);

  /** Hears one watch stream. */
  interface WatchHandler {
    /** The server answered 200: events follow. */
    void onOpen();

    /** One event line, decoded: {@code {"type": ..., "object": {...}}}. */
    void onEvent(Map<String, Object> event);

    /**
     * Bytes of the stream arrived, perhaps only part of a line: the stream is alive. Called once
     * per chunk read, before that chunk's events; keep it cheap.
     */
    default void onData() {}

    /**
     * The stream is over: empty when the server ended it cleanly (its {@code timeoutSeconds}), else
     * why (an HTTP status, a dropped connection, a malformed or oversized line).
     */
    void onEnd(Optional<ApiFailure> failure);
  }

  /** An open watch. */
  interface WatchStream {
    /** Closes the stream; its handler hears nothing more. Idempotent. */
    void cancel();
  }
}
