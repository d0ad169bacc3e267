package dev.discovery.api;

/**
 * Thrown by {@link Balancer#pick()} when there is nothing to pick: no snapshot yet, no endpoint, or
 * none ready (nor serving and terminating). The message says which, for which target, and the last
 * resolution error if any. Cheap: no stack trace is filled in.
 *
 * @since 0.1
 */
public final class NoEndpointAvailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoEndpointAvailableException(String message) {
    super(message, null, false, false);
  }
}
