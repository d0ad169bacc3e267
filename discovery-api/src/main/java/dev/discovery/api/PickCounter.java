package dev.discovery.api;

/**
 * Counts picks per endpoint for a balancer that is not one of the watch's own, such as a gRPC
 * channel's load balancer, so that its picks show in {@link Discovery#status()} and in metrics like
 * the watch's balancers' picks. Get one from {@link ServiceWatch#pickCounter} each time the
 * candidates change, off the pick path; {@link #count} takes no lock and allocates nothing.
 *
 * <p>Thread-safe.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface PickCounter {

  /** Counts nothing: what a watch gives when its discovery counts no picks. */
  PickCounter NONE = endpoint -> {};

  /**
   * Counts one pick of {@code endpoint}, which must be one of the instances the counter was made
   * for (others count as the target's {@code otherPicks}).
   */
  void count(Endpoint endpoint);
}
