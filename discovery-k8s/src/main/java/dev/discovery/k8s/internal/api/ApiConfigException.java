package dev.discovery.k8s.internal.api;

import dev.discovery.api.ResolutionError;

/**
 * A connection to the Kubernetes API that cannot be made as configured: a kubeconfig, service
 * account, certificate, key or credential plugin that is missing or wrong. Its message is one line
 * naming what was wrong, where (file, context, field) and what was expected; it never holds a token
 * or key. No stack trace: this is bad input, not a bug.
 */
public final class ApiConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ApiConfigException(String message) {
    super(message, null, false, false);
  }

  /** This failure as the resolver reports it: {@link ResolutionError.Kind#MISCONFIGURED}. */
  public ResolutionError toResolutionError() {
    return ResolutionError.misconfigured(getMessage());
  }

  /** This failure as a builder reports it. */
  public IllegalArgumentException toIllegalArgument() {
    return new IllegalArgumentException(getMessage());
  }
}
