package dev.discovery.api;

import java.util.Objects;

/**
 * Why a resolution failed, as a value. Its {@link #message()} is one line that says what failed,
 * for which target, and what would fix it when that is known. Resolvers keep retrying after any
 * kind (with backoff) unless their documentation says otherwise: a Service may be created, a port
 * added or an RBAC rule granted later.
 *
 * @param kind what sort of failure
 * @param message one line for humans
 * @since 0.1
 */
public record ResolutionError(Kind kind, String message) {

  /** What sort of failure. */
  public enum Kind {
    /**
     * The source could not be asked or did not answer (timeout, SERVFAIL, REFUSED, connection
     * refused): transient.
     */
    UNAVAILABLE,
    /** The Service does not exist. */
    NOT_FOUND,
    /** The source answered something unusable (malformed, oversized, a CNAME loop). */
    INVALID_ANSWER,
    /** The source refused us (an HTTP 401 or 403 from the API server). */
    PERMISSION_DENIED,
    /** The target cannot work as written (an unknown port name, no resolver for the scheme). */
    MISCONFIGURED
  }

  public ResolutionError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public static ResolutionError unavailable(String message) {
    return new ResolutionError(Kind.UNAVAILABLE, message);
  }

  public static ResolutionError notFound(String message) {
    return new ResolutionError(Kind.NOT_FOUND, message);
  }

  public static ResolutionError invalidAnswer(String message) {
    return new ResolutionError(Kind.INVALID_ANSWER, message);
  }

  public static ResolutionError permissionDenied(String message) {
    return new ResolutionError(Kind.PERMISSION_DENIED, message);
  }

  public static ResolutionError misconfigured(String message) {
    return new ResolutionError(Kind.MISCONFIGURED, message);
  }

  @Override
  public String toString() {
    return kind + ": " + message;
  }
}
