package dev.discovery.testkit;

/**
 * Receives a {@link FakeCluster}'s changes.
 *
 * <p>Events arrive in resource-version order, one at a time, on the thread that made the change
 * (after the change is visible and before the mutating call returns, unless another thread is
 * delivering at that moment, in which case that thread delivers it). A listener that throws is
 * logged and does not stop the others. A listener may mutate the cluster; the resulting event is
 * delivered after the current one.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ClusterListener {
  /** One atomic change. */
  void onEvent(ClusterEvent event);
}
