package dev.discovery.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A live view of one target's endpoints. Get one from {@link Discovery#watch(String)}; close it
 * when done. Watches of the same target on one {@link Discovery} share one resolver.
 *
 * <p>When the source fails, the watch keeps the last good snapshot, exposes the error ({@link
 * #lastError()}) and how stale the snapshot is ({@link #staleness()}); it never replaces a good
 * list with an empty one because of a transient failure.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public interface ServiceWatch extends AutoCloseable {

  /** The watched target. */
  Target target();

  /**
   * The last good snapshot, or empty before the first successful resolution. It changes after the
   * watch's listeners and balancers have been given the new snapshot: once a thread sees a snapshot
   * here, every balancer of the watch picks from it. (Inside a listener, use the event's snapshot.)
   */
  Optional<EndpointSet> current();

  /** The error of the last resolution if it failed; empty once a resolution succeeds again. */
  Optional<ResolutionError> lastError();

  /**
   * How long since the last successful resolution (a refresh that changed nothing counts as
   * success); before the first one, how long since the watch started.
   */
  Duration staleness();

  /**
   * Completes with the first good snapshot (at once if there is one), or exceptionally with a
   * {@link ResolutionException} if resolution fails before any success: at once if the last attempt
   * failed, else with the next result. The watch keeps retrying either way; to wait through
   * transient failures, {@link #subscribe} instead.
   */
  CompletionStage<EndpointSet> first();

  /**
   * Registers {@code listener}. If a snapshot exists, it first gets a {@link WatchEvent.Changed}
   * with it (previous {@code null}); then every change, failure and recovery.
   */
  Subscription subscribe(WatchListener listener);

  /**
   * A balancer over this watch's eligible endpoints, with the policy {@code factory}; it follows
   * every change. Closed with the watch.
   */
  Balancer balancer(Policy factory);

  /**
   * A counter of picks among {@code candidates} (endpoint instances of this watch's snapshots), for
   * a balancer built outside this watch that wants its picks counted with the watch's: in {@link
   * Discovery#status()} and the {@code discovery.picks} metric. {@link PickCounter#NONE} unless the
   * discovery counts picks ({@link Discovery.Builder#countPicks(boolean)}). Make a new one when the
   * candidates change; counting is lock-free and allocation-free.
   *
   * @since 0.2
   */
  default PickCounter pickCounter(List<Endpoint> candidates) {
    return PickCounter.NONE;
  }

  /** Asks the resolver to resolve again soon (rate-limited by the resolver). */
  void refresh();

  /** Stops this watch and its balancers and subscriptions. Idempotent. */
  @Override
  void close();
}
