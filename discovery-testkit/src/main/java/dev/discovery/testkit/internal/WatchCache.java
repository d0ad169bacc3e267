package dev.discovery.testkit.internal;

import dev.discovery.api.Subscription;
import dev.discovery.testkit.ClusterEvent;
import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ClusterSnapshot;
import dev.discovery.testkit.FakeCluster;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The fake API server's view of its cluster, kept as Kubernetes' watch cache keeps it: the current
 * objects of each resource with their resource versions, and a bounded history of changes that
 * watches replay from. It follows the cluster's events; lists and watches read it, so a list's
 * resource version and the watch that follows agree. Thread-safe.
 */
public final class WatchCache implements AutoCloseable {

  /**
   * One change of one object, as watches see it.
   *
   * @param type what happened
   * @param object the object after the change (as it was last, for a deletion)
   * @param previous the object before the change, or {@code null} if it was added
   */
  public record Change(ClusterEvent.Type type, StoredObject object, StoredObject previous) {}

  /** Where a watch's events go; called under the cache's lock, so never blocks. */
  public interface Sink {
    /** One change the watch's filter lets through (ADDED, MODIFIED or DELETED). */
    void event(ClusterEvent.Type type, StoredObject object);

    /** A bookmark at {@code resourceVersion}: every change up to it has been given to event. */
    void bookmark(long resourceVersion, boolean initialEventsEnd);
  }

  /** Thrown when a watch asks for a version older than the history holds. */
  public static final class Expired extends Exception {
    private final long oldest;

    Expired(long oldest) {
      super(null, null, false, false);
      this.oldest = oldest;
    }

    /** The oldest version a watch can start from now. */
    public long oldest() {
      return oldest;
    }
  }

  /** What a list returns: the objects and the resource version they reflect. */
  public record Listing(long resourceVersion, List<StoredObject> items) {}

  private final int window;
  private final Object lock = new Object();
  private final Map<ApiResource, TreeMap<String, StoredObject>> current =
      new EnumMap<>(ApiResource.class);
  private final ArrayDeque<Change> history = new ArrayDeque<>(); // guarded by lock
  private final CopyOnWriteArrayList<Watch> watches = new CopyOnWriteArrayList<>();
  private long resourceVersion; // guarded by lock
  private long horizon; // guarded by lock: history holds every change after it
  private final Subscription subscription;

  private record Watch(ApiResource resource, Predicate<ClusterObject> filter, Sink sink) {}

  /**
   * Follows {@code cluster} from now on.
   *
   * @param window the most changes the history holds
   */
  public WatchCache(FakeCluster cluster, int window) {
    this.window = window;
    for (ApiResource r : ApiResource.values()) {
      current.put(r, new TreeMap<>());
    }
    synchronized (lock) {
      subscription = cluster.subscribe(this::onEvent);
      ClusterSnapshot snapshot = cluster.snapshot();
      resourceVersion = snapshot.resourceVersion();
      horizon = resourceVersion;
      Stream.of(
              snapshot.namespaces(),
              snapshot.nodes(),
              snapshot.services(),
              snapshot.pods(),
              snapshot.endpointSlices())
          .flatMap(List::stream)
          .forEach(
              o ->
                  current
                      .get(ApiResource.of(o))
                      .put(o.id(), new StoredObject(o, snapshot.metadata(o))));
    }
  }

  private void onEvent(ClusterEvent event) {
    synchronized (lock) {
      if (event.resourceVersion() <= resourceVersion) {
        return; // already in the snapshot the cache started from
      }
      resourceVersion = event.resourceVersion();
      for (ClusterEvent.Change c : event.changes()) {
        ClusterObject o = c.object();
        TreeMap<String, StoredObject> objects = current.get(ApiResource.of(o));
        StoredObject stored = new StoredObject(o, c.metadata());
        StoredObject previous =
            c.type() == ClusterEvent.Type.DELETED
                ? objects.remove(o.id())
                : objects.put(o.id(), stored);
        Change change = new Change(c.type(), stored, previous);
        history.addLast(change);
        for (Watch w : watches) {
          deliver(w, change);
        }
      }
      while (history.size() > window) {
        horizon = Math.max(horizon, history.removeFirst().object().resourceVersion());
      }
    }
  }

  /** The resource version of the latest change the cache has seen. */
  public long resourceVersion() {
    synchronized (lock) {
      return resourceVersion;
    }
  }

  /** The objects of {@code resource} that pass {@code filter}, sorted by namespace and name. */
  public Listing list(ApiResource resource, Predicate<ClusterObject> filter) {
    synchronized (lock) {
      List<StoredObject> items = new ArrayList<>();
      for (StoredObject s : current.get(resource).values()) {
        if (filter.test(s.object())) {
          items.add(s);
        }
      }
      return new Listing(resourceVersion, items);
    }
  }

  /** The object {@code id} ({@code namespace/name}, or the name) of {@code resource}, or null. */
  public StoredObject get(ApiResource resource, String id) {
    synchronized (lock) {
      return current.get(resource).get(id);
    }
  }

  /**
   * Starts a watch on {@code resource}: first what it must catch up on, then every later change,
   * all given to {@code sink} in resource-version order.
   *
   * @param from {@code -1} to start with synthetic ADDED events for the current objects (then a
   *     bookmark marking their end if {@code initialEventsEnd}); else replay the changes after this
   *     version from the history
   * @return how to stop the watch
   * @throws Expired if {@code from} is older than the history holds
   */
  public Subscription watch(
      ApiResource resource,
      Predicate<ClusterObject> filter,
      long from,
      boolean initialEventsEnd,
      Sink sink)
      throws Expired {
    Watch w = new Watch(resource, filter, sink);
    synchronized (lock) {
      if (from < 0) {
        for (StoredObject s : current.get(resource).values()) {
          if (filter.test(s.object())) {
            sink.event(ClusterEvent.Type.ADDED, s);
          }
        }
        if (initialEventsEnd) {
          sink.bookmark(resourceVersion, true);
        }
      } else {
        if (from < horizon) {
          throw new Expired(horizon);
        }
        for (Change c : history) {
          if (c.object().resourceVersion() > from) {
            deliver(w, c);
          }
        }
      }
      watches.add(w);
    }
    return () -> watches.remove(w);
  }

  /** Gives {@code sink} a bookmark at the current version, after the events it has been given. */
  public void bookmark(Sink sink) {
    synchronized (lock) {
      sink.bookmark(resourceVersion, false);
    }
  }

  /** Forgets the history: a watch from any version before now gets {@link Expired}. */
  public void expire() {
    synchronized (lock) {
      history.clear();
      horizon = resourceVersion;
    }
  }

  private static void deliver(Watch w, Change c) {
    if (!w.resource.holds(c.object().object())) {
      return;
    }
    boolean was = c.previous() != null && w.filter.test(c.previous().object());
    boolean is = c.type() != ClusterEvent.Type.DELETED && w.filter.test(c.object().object());
    if (c.type() == ClusterEvent.Type.DELETED) {
      if (w.filter.test(c.object().object())) {
        w.sink.event(ClusterEvent.Type.DELETED, c.object());
      }
    } else if (was && is) {
      w.sink.event(ClusterEvent.Type.MODIFIED, c.object());
    } else if (is) {
      w.sink.event(ClusterEvent.Type.ADDED, c.object());
    } else if (was) {
      w.sink.event(ClusterEvent.Type.DELETED, c.object());
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
