package dev.discovery.k8s.internal.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A transport that forgets the cached credential when the server answers 401, so the retry the
 * watch loop makes after its backoff reads a rotated token file or runs the exec plugin again.
 */
final class RenewingTransport implements ApiTransport {
  private static final int UNAUTHORIZED = 401;

  private final ApiTransport delegate;
  private final Credentials credentials;

  RenewingTransport(ApiTransport delegate, Credentials credentials) {
    this.delegate = delegate;
    this.credentials = credentials;
  }

  @Override
  public CompletableFuture<Map<String, Object>> get(ApiRequest request) {
    return delegate
        .get(request)
        .whenComplete(
            (value, thrown) -> {
              Throwable t = thrown instanceof CompletionException c ? c.getCause() : thrown;
              if (t instanceof ApiException e) {
                renewOn(Optional.of(e.failure()));
              }
            });
  }

  @Override
  public WatchStream watch(ApiRequest request, WatchHandler handler) {
    return delegate.watch(
        request,
        new WatchHandler() {
          @Override
          public void onOpen() {
            handler.onOpen();
          }

          @Override
          public void onEvent(Map<String, Object> event) {
            handler.onEvent(event);
          }

          @Override
          public void onEnd(Optional<ApiFailure> failure) {
            renewOn(failure);
            handler.onEnd(failure);
          }
        });
  }

  private void renewOn(Optional<ApiFailure> failure) {
    if (failure.isPresent() && failure.get().status() == UNAUTHORIZED) {
      credentials.refresh();
    }
  }
}
