package dev.discovery.testkit;

import java.time.Instant;
import java.util.Objects;

/**
 * What the API server writes in an object's {@code metadata} besides its name, namespace and
 * labels, as a {@link FakeCluster} keeps it for each object it holds.
 *
 * @param uid stable for the object's life; a deleted and re-created object gets a new one.
 *     Deterministic: the same history of changes gives the same uids.
 * @param resourceVersion the cluster resource version of the change that last modified the object
 * @param creationTimestamp when the object was created, from the cluster's clock, in whole seconds
 * @param deletionTimestamp for a pod that is terminating, when its grace period ({@value
 *     #GRACE_PERIOD_SECONDS} s) ends, counted from the change that started it; else {@code null}
 * @param modifiedAt for an EndpointSlice of the controller, when the change that last modified it
 *     (or created it) happened, from the cluster's clock at full precision; it carries it as its
 *     {@code endpoints.kubernetes.io/last-change-trigger-time}; {@code null} for other objects
 * @since 0.1
 */
public record ObjectMetadata(
    String uid,
    long resourceVersion,
    Instant creationTimestamp,
    Instant deletionTimestamp,
    Instant modifiedAt) {

  /** Kubernetes' default {@code terminationGracePeriodSeconds}. */
  public static final int GRACE_PERIOD_SECONDS = 30;

  public ObjectMetadata {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(creationTimestamp, "creationTimestamp");
  }

  /** The metadata of an object not being deleted. */
  public ObjectMetadata(String uid, long resourceVersion, Instant creationTimestamp) {
    this(uid, resourceVersion, creationTimestamp, null, null);
  }

  /** Metadata whose time of last change is unknown. */
  public ObjectMetadata(
      String uid, long resourceVersion, Instant creationTimestamp, Instant deletionTimestamp) {
    this(uid, resourceVersion, creationTimestamp, deletionTimestamp, null);
  }
}
