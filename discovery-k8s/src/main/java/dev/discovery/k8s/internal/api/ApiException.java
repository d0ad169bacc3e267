package dev.discovery.k8s.internal.api;

/**
 * Carries an {@link ApiFailure} through a {@link java.util.concurrent.CompletableFuture}; no stack
 * trace (it is a value, and its message is the one line to show).
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized
  private final ApiFailure failure;

  public ApiException(ApiFailure failure) {
    super(failure.error().message(), null, false, false);
    this.failure = failure;
  }

  public ApiFailure failure() {
    return failure;
  }
}
