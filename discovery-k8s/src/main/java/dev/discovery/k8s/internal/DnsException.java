package dev.discovery.k8s.internal;

import dev.discovery.api.ResolutionError;

/**
 * A failed DNS exchange, already phrased as the {@link ResolutionError} to report. No stack trace.
 */
final class DnsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ResolutionError error;

  DnsException(ResolutionError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  ResolutionError error() {
    return error;
  }
}
