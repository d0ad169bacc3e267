package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ObjectMetadata;

/**
 * An object as the fake API server's watch cache holds it: the object and its metadata.
 *
 * @param object the object
 * @param metadata its uid, creation time and the resource version of its last change (of its
 *     deletion, for a deleted object)
 */
public record StoredObject(ClusterObject object, ObjectMetadata metadata) {

  /** The resource it belongs to. */
  public ApiResource resource() {
    return ApiResource.of(object);
  }

  /** The resource version of its last change. */
  public long resourceVersion() {
    return metadata.resourceVersion();
  }
}
