package dev.discovery.spi;

import java.util.Objects;

/**
 * How a call ended, as its host saw it: whether it succeeded, and a status name a policy can
 * classify (a gRPC status code name such as {@code UNAVAILABLE}, or {@code OK} / {@code FAILURE}
 * from the Java API). Hosts report the shared constants, so reporting allocates nothing.
 *
 * @param status the status name: {@code OK}, {@code FAILURE}, {@code CANCELLED}, or a gRPC code
 *     name
 * @param success whether the host counts the call as a success
 * @since 0.2
 */
public record CallOutcome(String status, boolean success) {
  /** The call succeeded. */
  public static final CallOutcome SUCCESS = new CallOutcome("OK", true);

  /** The call failed, with no more detail (the Java API's report of a failure). */
  public static final CallOutcome FAILURE = new CallOutcome("FAILURE", false);

  /**
   * The call ended without an outcome: abandoned by its caller, or cancelled by it. Policies count
   * it neither as a success nor as a failure of the endpoint.
   */
  public static final CallOutcome CANCELLED = new CallOutcome("CANCELLED", false);

  public CallOutcome {
    Objects.requireNonNull(status, "status");
    if (status.isEmpty()) {
      throw new IllegalArgumentException("status: empty (expected: a name such as UNAVAILABLE)");
    }
  }

  /** Whether it is {@link #CANCELLED}: no verdict on the endpoint. */
  public boolean cancelled() {
    return this == CANCELLED || (!success && status.equals(CANCELLED.status));
  }
}
