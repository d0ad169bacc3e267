package dev.discovery.api;

import java.util.Objects;

/**
 * A {@link ResolutionError} carried by an exception, for futures such as {@link
 * ServiceWatch#first()}. The message is the error's one line; no cause chain.
 *
 * @since 0.1
 */
public final class ResolutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ResolutionError error;

  public ResolutionException(ResolutionError error) {
    super(Objects.requireNonNull(error, "error").message(), null, false, false);
    this.error = error;
  }

  /** The error. */
  public ResolutionError error() {
    return error;
  }
}
