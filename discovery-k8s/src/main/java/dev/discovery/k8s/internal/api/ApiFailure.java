package dev.discovery.k8s.internal.api;

import dev.discovery.api.ResolutionError;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why an API request or watch failed, as a value: the error to report, the HTTP status or the
 * {@code code} of an ERROR event's Status (0 when the server never answered: a connect failure, a
 * dropped stream, a malformed answer), and how long the server asked us to wait (a 429's {@code
 * Retry-After}).
 *
 * @param error what to report, one line that names the fix
 * @param status the HTTP status or Status code, 0 when there is none
 * @param retryAfter the wait the server asked for, if it did
 */
public record ApiFailure(ResolutionError error, int status, Optional<Duration> retryAfter) {

  public ApiFailure {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(retryAfter, "retryAfter");
  }

  static ApiFailure of(ResolutionError error) {
    return new ApiFailure(error, 0, Optional.empty());
  }

  /**
   * The resourceVersion asked for is older than the server keeps (410, reason {@code Expired} or
   * {@code Gone}): list again.
   */
  public boolean expired() {
    return status == 410;
  }

  /** The server refused the request as invalid (400, 422), as one without streaming lists does. */
  public boolean rejectedAsInvalid() {
    return status == 400 || status == 422;
  }

  /** This failure as an exception, to fail a future with. */
  public ApiException toException() {
    return new ApiException(this);
  }
}
