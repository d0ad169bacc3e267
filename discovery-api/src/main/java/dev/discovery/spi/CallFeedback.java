package dev.discovery.spi;

import dev.discovery.api.Endpoint;

/**
 * What a policy is told about the calls its pickers route: each call's start, then its end with the
 * outcome and latency. A {@link PolicyInstance} that wants it returns one from {@link
 * PolicyInstance#feedback()}; a host then reports every call it routes with that instance's pickers
 * (in gRPC from the call itself, in the Java API through {@link
 * dev.discovery.api.Balancer#start()}). An instance that returns {@code null} costs nothing: no
 * call is reported and nothing is allocated.
 *
 * <p>Called from the callers' threads, concurrently: implementations must be thread-safe, cheap and
 * must not block or throw. {@link #onEnd} is called at most once per {@link #onStart}, for the same
 * endpoint; a call whose end is never reported (a caller that forgot it) is the policy's to bound:
 * state per endpoint must be dropped when the endpoint leaves the candidates.
 *
 * @since 0.2
 */
public interface CallFeedback {

  /** A call was sent to {@code endpoint} (the endpoint a picker of this instance chose). */
  void onStart(Endpoint endpoint);

  /**
   * The call sent to {@code endpoint} ended.
   *
   * @param outcome how it ended ({@link CallOutcome#CANCELLED} when it ended without a verdict)
   * @param latencyNanos from its start to its end, in nanoseconds of the host's ticker
   */
  void onEnd(Endpoint endpoint, CallOutcome outcome, long latencyNanos);
}
