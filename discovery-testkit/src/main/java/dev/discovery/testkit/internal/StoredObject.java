package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterObject;
import java.time.Instant;

/**
 * An object as the fake API server stores it: the object and the metadata the cluster does not
 * keep.
 *
 * @param object the object
 * @param resourceVersion the cluster's resource version when it last changed (or was deleted)
 * @param uid its {@code metadata.uid}, the same for its whole life, new when it is made again
 * @param created its {@code metadata.creationTimestamp}
 */
public record StoredObject(
    ClusterObject object, long resourceVersion, String uid, Instant created) {

  /** The resource it belongs to. */
  public ApiResource resource() {
    return ApiResource.of(object);
  }
}
