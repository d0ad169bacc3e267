package dev.discovery.api;

/**
 * Picks an endpoint per call from a {@link ServiceWatch}'s eligible endpoints, with one policy. It
 * swaps in a new immutable picker on every change; a pick reads the current one without locking or
 * allocating.
 *
 * <p>Eligible endpoints are the ready ones; when none is ready, those serving and terminating
 * (Kubernetes' fallback).
 *
 * <p>A policy that learns from calls ({@link Policies#leastRequest()}, {@link
 * Policies#withOutlierEjection outlier ejection}) needs to hear how each call went: pick with
 * {@link #start()} instead of {@link #pick()}, and report the outcome on the {@link Call}:
 *
 * <pre>{@code
 * try (Balancer.Call call = balancer.start()) {
 *   Endpoint e = call.endpoint();
 *   ... send the request to e ...
 *   call.succeeded(); // or call.failed() / call.failed("UNAVAILABLE")
 * }
 * }</pre>
 *
 * Under a policy that wants no feedback (random, sticky), {@code start()} is {@code pick()} plus a
 * small holder, and the reports cost nothing.
 *
 * @since 0.1
 */
public interface Balancer extends AutoCloseable {

  /**
   * An endpoint for a call without a key.
   *
   * @throws NoEndpointAvailableException if there is nothing to pick, saying why
   */
  Endpoint pick();

  /**
   * An endpoint for a call with {@code key}: under a keyed policy (sticky), the same key gets the
   * same endpoint while that endpoint lives.
   *
   * @throws NoEndpointAvailableException if there is nothing to pick, saying why
   */
  Endpoint pick(CharSequence key);

  /**
   * Starts a call without a key: picks its endpoint, and tells the policy (if it wants call
   * feedback) that a call went there. Report how it ended on the returned {@link Call}, and close
   * it: a {@code Call} closed without an outcome is reported as cancelled (no verdict on the
   * endpoint).
   *
   * @throws NoEndpointAvailableException if there is nothing to pick, saying why
   * @since 0.2
   */
  Call start();

  /**
   * Starts a call with {@code key}, as {@link #start()} does with {@link #pick(CharSequence)}'s
   * choice.
   *
   * @throws NoEndpointAvailableException if there is nothing to pick, saying why
   * @since 0.2
   */
  Call start(CharSequence key);

  /** The policy this balancer picks with. */
  Policy policy();

  /** Stops following the watch. Picks after this use the last picker. Idempotent. */
  @Override
  void close();

  /**
   * One call routed by a {@link Balancer}: its endpoint, and the report of how it ended. Latency is
   * measured from {@link Balancer#start()} to the first report, with the discovery's ticker.
   *
   * <p>Only the first report counts: a second ({@code failed()} after {@code succeeded()}, a second
   * {@code close()}) is ignored, so a call is never counted twice, and {@link #close()} after an
   * outcome does nothing. A call never reported nor closed stays counted as in flight for its
   * endpoint until that endpoint leaves the candidates (policies drop an endpoint's state then):
   * use try-with-resources. Thread-safe: the call may end on another thread than it started on.
   *
   * @since 0.2
   */
  interface Call extends AutoCloseable {

    /** The endpoint to send this call to. */
    Endpoint endpoint();

    /** The call succeeded. */
    void succeeded();

    /**
     * The call failed, for a reason that says the endpoint may be unhealthy (reported as {@link
     * dev.discovery.spi.CallOutcome#FAILURE}; outlier ejection counts it).
     */
    void failed();

    /**
     * The call failed with {@code status}, such as {@code UNAVAILABLE} or {@code INVALID_ARGUMENT}:
     * outlier ejection counts it only if the status is one of its {@link
     * OutlierEjection#failureStatuses()}; {@code CANCELLED} never counts.
     */
    void failed(String status);

    /**
     * Ends the call; without an outcome reported before, it is reported as {@link
     * dev.discovery.spi.CallOutcome#CANCELLED}: neither a success nor a failure of the endpoint.
     */
    @Override
    void close();
  }
}
