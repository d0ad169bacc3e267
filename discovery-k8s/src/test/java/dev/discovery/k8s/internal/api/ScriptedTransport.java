package dev.discovery.k8s.internal.api;

import dev.discovery.api.ResolutionError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link ApiTransport} the test drives: it records every request, leaves each list pending until
 * the test answers it, and lets the test open, feed and end each watch.
 */
final class ScriptedTransport implements ApiTransport {
  final List<ApiRequest> requests = new ArrayList<>();
  final List<Get> gets = new ArrayList<>();
  final List<Watch> watches = new ArrayList<>();

  @Override
  public CompletableFuture<Map<String, Object>> get(ApiRequest request) {
    requests.add(request);
    Get get = new Get(request, new CompletableFuture<>());
    gets.add(get);
    return get.future;
  }

  @Override
  public WatchStream watch(ApiRequest request, WatchHandler handler) {
    requests.add(request);
    Watch watch = new Watch(request, handler);
    watches.add(watch);
    return watch;
  }

  long lists() {
    return requests.stream().filter(r -> r.verb().equals("list")).count();
  }

  Get lastGet() {
    return gets.get(gets.size() - 1);
  }

  Watch lastWatch() {
    return watches.get(watches.size() - 1);
  }

  ApiRequest lastRequest() {
    return requests.get(requests.size() - 1);
  }

  record Get(ApiRequest request, CompletableFuture<Map<String, Object>> future) {
    void answer(String resourceVersion, Map<?, ?>... items) {
      future.complete(
          Map.of(
              "kind", "EndpointSliceList",
              "metadata", Map.of("resourceVersion", resourceVersion),
              "items", List.of(items)));
    }

    void fail(ApiFailure failure) {
      future.completeExceptionally(failure.toException());
    }
  }

  static final class Watch implements WatchStream {
    final ApiRequest request;
    final WatchHandler handler;
    boolean cancelled;

    Watch(ApiRequest request, WatchHandler handler) {
      this.request = request;
      this.handler = handler;
    }

    String resourceVersion() {
      return request.query().get("resourceVersion");
    }

    Watch open() {
      handler.onOpen();
      return this;
    }

    Watch event(String type, Map<?, ?> object) {
      handler.onEvent(Map.of("type", type, "object", object));
      return this;
    }

    Watch bookmark(String resourceVersion) {
      return event(
          "BOOKMARK",
          Map.of("kind", "EndpointSlice", "metadata", Map.of("resourceVersion", resourceVersion)));
    }

    Watch initialEventsEnd(String resourceVersion) {
      return event(
          "BOOKMARK",
          Map.of(
              "kind",
              "EndpointSlice",
              "metadata",
              Map.of(
                  "resourceVersion",
                  resourceVersion,
                  "annotations",
                  Map.of("k8s.io/initial-events-end", "true"))));
    }

    void end() {
      handler.onEnd(Optional.empty());
    }

    void fail(ApiFailure failure) {
      handler.onEnd(Optional.of(failure));
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** An object as the API sends it: metadata, and a {@code value} the test decoder reads. */
  static Map<String, Object> object(String name, String resourceVersion, String value) {
    return Map.of(
        "metadata",
        Map.of("name", name, "namespace", "shop", "resourceVersion", resourceVersion),
        "value",
        value);
  }

  static ApiFailure status(int code, String message) {
    return new ApiFailure(ResolutionError.unavailable(message), code, Optional.empty());
  }

  static ApiFailure status(int code, ResolutionError error, Duration retryAfter) {
    return new ApiFailure(error, code, Optional.ofNullable(retryAfter));
  }

  static ApiFailure dropped() {
    return ApiFailure.of(ResolutionError.unavailable("the connection broke"));
  }
}
