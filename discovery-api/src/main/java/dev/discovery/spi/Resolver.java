package dev.discovery.spi;

/**
 * A source of live endpoint lists for one target. Implemented by source modules ({@code
 * discovery-k8s}, the testkit), used by the SDK; applications do not call it.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>{@link #start}, {@link #refresh} and {@link #close} are called from the resolver's
 *       serialized context ({@link ResolverContext#syncContext()}), never concurrently, and must
 *       return quickly: they must not block.
 *   <li>Blocking work (file reads) goes to {@link ResolverContext#blockingExecutor()}; network I/O
 *       should be asynchronous. Timers use {@link ResolverContext#scheduler()}.
 *   <li>The listener may be called from any thread; calls are delivered in the order made. Call it
 *       from the sync context to keep state changes and reports in one order.
 * </ul>
 *
 * <h2>Errors</h2>
 *
 * Nothing throws across this interface: every failure is reported as a {@link
 * ResolutionResult.Failed} value. A resolver keeps retrying transient failures on its own (with
 * backoff) and reports each new snapshot in full; it need not compare snapshots, the SDK does.
 *
 * @since 0.1
 */
public interface Resolver {

  /** Starts resolving; results go to {@code listener}. Called once. */
  void start(Listener listener);

  /**
   * A hint that the caller suspects the endpoints changed (a connection failed). The resolver may
   * rate-limit it.
   */
  void refresh();

  /** Stops: cancels timers and I/O. No result is reported after this returns. */
  void close();

  /** Receives a resolver's results. */
  @FunctionalInterface
  interface Listener {
    /** A new snapshot or an error. */
    void onResult(ResolutionResult result);
  }
}
