package dev.discovery.k8s.internal.api;

import dev.discovery.api.ResolutionError;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * The shared watches of one Service: the Service object (field selector {@code metadata.name}) and
 * its EndpointSlices (label selector {@code kubernetes.io/service-name}), heard by every resolver
 * of that Service whatever its port or access mode. Nothing is handed on until both are listed
 * (slices without their Service are not yet "not found"). Lives in its {@link ApiHub}'s context.
 *
 * <p>Health is per watch: a view handed on while one watch fails carries that watch's error ({@link
 * View#failing()}), so that a resolver never takes the other watch's snapshots for a recovery.
 */
final class ServiceWatcher {
  /**
   * What the watches hold.
   *
   * @param service the Service, or null when it does not exist
   * @param deleted the Service existed since the watch began and was deleted (an empty snapshot,
   *     not NOT_FOUND)
   * @param slices its EndpointSlices, in name order
   * @param failing the error of a watch that failed since its last snapshot (its part of the view
   *     may be stale), or null when both work
   */
  record View(
      ServiceObject service, boolean deleted, List<SliceObject> slices, ResolutionError failing) {}

  private final Set<ApiHub.Sink> sinks = new LinkedHashSet<>();
  private final ResourceWatch<ServiceObject> serviceWatch;
  private final ResourceWatch<SliceObject> sliceWatch;
  private boolean serviceListed;
  private boolean slicesListed;
  private boolean existed;
  private ServiceObject service;
  private List<SliceObject> slices = List.of();
  private ResolutionError serviceError;
  private ResolutionError sliceError;

  ServiceWatcher(ApiHub hub, String namespace, String name) {
    this.serviceWatch =
        hub.watch(
            ResourceQuery.service(namespace, name),
            json -> valueOf(ServiceObject.parse(json)),
            listener(
                current -> {
                  serviceListed = true;
                  serviceError = null;
                  // Only ours: a server or proxy may send others despite the field selector.
                  service = current.get(namespace + "/" + name);
                  existed |= service != null;
                },
                error -> serviceError = error));
    this.sliceWatch =
        hub.watch(
            ResourceQuery.endpointSlices(namespace, name),
            json -> valueOf(SliceObject.parse(json)),
            listener(
                current -> {
                  slicesListed = true;
                  sliceError = null;
                  slices = List.copyOf(current.values());
                },
                error -> sliceError = error));
  }

  /** The decoded object, or an exception with the one-line reason (the watch reports it). */
  static <T> T valueOf(Parsed<T> parsed) {
    if (parsed instanceof Parsed.Malformed<T> m) {
      throw new IllegalArgumentException(m.message());
    }
    return ((Parsed.Ok<T>) parsed).value();
  }

  private <T> ResourceWatch.Listener<T> listener(
      java.util.function.Consumer<SortedMap<String, T>> update,
      java.util.function.Consumer<ResolutionError> failed) {
    return new ResourceWatch.Listener<>() {
      @Override
      public void onSnapshot(SortedMap<String, T> current, String resourceVersion) {
        update.accept(current);
        if (serviceListed && slicesListed) {
          View view = view();
          sinks.forEach(s -> s.onService(view));
        }
      }

      @Override
      public void onError(ResolutionError error, boolean stillServingLastGood) {
        failed.accept(error);
        sinks.forEach(s -> s.onError(error));
      }

      @Override
      public void onActivity(String activity) {
        sinks.forEach(s -> s.onActivity(activity));
      }
    };
  }

  private View view() {
    return new View(
        service,
        service == null && existed,
        slices,
        serviceError != null ? serviceError : sliceError);
  }

  void add(ApiHub.Sink sink) {
    sinks.add(sink);
    if (serviceListed && slicesListed) {
      sink.onService(view());
    }
  }

  /** Who hears this Service. */
  Set<ApiHub.Sink> sinks() {
    return sinks;
  }

  /** Removes {@code sink}; true (and the watches closed) when it was the last. */
  boolean remove(ApiHub.Sink sink) {
    sinks.remove(sink);
    if (sinks.isEmpty()) {
      close();
      return true;
    }
    return false;
  }

  void close() {
    serviceWatch.close();
    sliceWatch.close();
  }
}
