package dev.discovery.api;

/**
 * Picks an endpoint per call from a {@link ServiceWatch}'s eligible endpoints, with one policy. It
 * swaps in a new immutable picker on every change; a pick reads the current one without locking or
 * allocating.
 *
 * <p>Eligible endpoints are the ready ones; when none is ready, those serving and terminating
 * (Kubernetes' fallback).
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

  /** The policy this balancer picks with. */
  Policy policy();

  /** Stops following the watch. Picks after this use the last picker. Idempotent. */
  @Override
  void close();
}
