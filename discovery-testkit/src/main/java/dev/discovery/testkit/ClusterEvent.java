package dev.discovery.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What one atomic mutation of a {@link FakeCluster} changed: every object added, modified or
 * deleted, EndpointSlices included, under the cluster's new resource version.
 *
 * <p>Order: additions and modifications of namespaces, nodes, Services, pods, then EndpointSlices;
 * then deletions in the reverse order.
 *
 * @param resourceVersion the cluster's resource version after the change
 * @param changes the changes, never empty
 * @since 0.1
 */
public record ClusterEvent(long resourceVersion, List<Change> changes) {

  public ClusterEvent {
    changes = List.copyOf(changes);
  }

  /** Whether an object was added, modified or deleted (the API's watch event types). */
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }

  /**
   * One changed object.
   *
   * @param type what happened
   * @param object the object after the change, or as it was last for {@link Type#DELETED}
   * @param metadata the object's metadata after the change; for {@link Type#DELETED} its uid and
   *     creation time with the resource version of the deletion, as the API server's watch reports
   *     a deleted object
   */
  public record Change(Type type, ClusterObject object, ObjectMetadata metadata) {
    public Change {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(metadata, "metadata");
    }
  }

  /** The changes to objects of {@code kind}, such as {@code EndpointSlice.class}. */
  public <T extends ClusterObject> List<Change> changesOf(Class<T> kind) {
    return changes.stream().filter(c -> kind.isInstance(c.object())).toList();
  }
}
