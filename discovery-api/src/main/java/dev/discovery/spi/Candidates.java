package dev.discovery.spi;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The items a {@link Picker} chooses among, each with its {@link Endpoint}, in canonical endpoint
 * order ({@link EndpointSet#CANONICAL_ORDER}). Never empty. Immutable.
 *
 * <p>In the Java API an item is the endpoint itself; in gRPC it is the endpoint's subchannel. Both
 * surfaces build candidates from the same endpoints, so a key-based picker chooses the same
 * endpoint through either.
 *
 * @param <T> what is picked
 * @since 0.1
 */
public interface Candidates<T> {

  /** How many candidates, at least 1. */
  int size();

  /** The item at {@code index} (0-based, canonical order). */
  T item(int index);

  /** The endpoint of the item at {@code index}. */
  Endpoint endpoint(int index);

  /**
   * Facts about the Service as a whole, from the snapshot the candidates come from ({@link
   * EndpointSet#attributes()}): a zone-aware policy reads the Service's traffic distribution and
   * the caller's zone here. Empty when the host has none.
   */
  default Map<String, String> attributes() {
    return Map.of();
  }

  /**
   * The index of the endpoint with identity {@code id} (IP and port), or -1: a binary search in
   * canonical order, which allocates nothing for IPv4.
   */
  default int indexOf(InetSocketAddress id) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = EndpointSet.IDENTITY_ORDER.compare(endpoint(mid).address(), id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * Candidates from parallel lists, put in canonical order.
   *
   * @throws IllegalArgumentException if the lists are empty, of different sizes, or two endpoints
   *     share an identity
   */
  static <T> Candidates<T> of(List<? extends T> items, List<Endpoint> endpoints) {
    return ArrayCandidates.of(items, endpoints, Map.of());
  }

  /**
   * Candidates from parallel lists, put in canonical order, with the snapshot's {@code attributes}.
   *
   * @throws IllegalArgumentException if the lists are empty, of different sizes, or two endpoints
   *     share an identity
   */
  static <T> Candidates<T> of(
      List<? extends T> items, List<Endpoint> endpoints, Map<String, String> attributes) {
    return ArrayCandidates.of(items, endpoints, attributes);
  }

  /** The endpoints themselves as candidates. */
  static Candidates<Endpoint> ofEndpoints(List<Endpoint> endpoints) {
    return ArrayCandidates.of(endpoints, endpoints, Map.of());
  }
}
