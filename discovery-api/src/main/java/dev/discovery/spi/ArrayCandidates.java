package dev.discovery.spi;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Candidates backed by arrays in canonical order. Finding an identity is a binary search: no index
 * to build, nothing allocated.
 */
final class ArrayCandidates<T> implements Candidates<T> {
  private final Object[] items;
  private final Endpoint[] endpoints;
  private final Map<String, String> attributes;

  private ArrayCandidates(Object[] items, Endpoint[] endpoints, Map<String, String> attributes) {
    this.items = items;
    this.endpoints = endpoints;
    this.attributes = attributes;
  }

  static <T> ArrayCandidates<T> of(
      List<? extends T> items, List<Endpoint> endpoints, Map<String, String> attributes) {
    Map<String, String> facts = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    int n = items.size();
    if (n != endpoints.size()) {
      throw new IllegalArgumentException(
          "items: "
              + n
              + " for "
              + endpoints.size()
              + " endpoints (expected: one item per endpoint)");
    }
    if (n == 0) {
      throw new IllegalArgumentException("candidates: empty (expected: at least one)");
    }
    Object[] sortedItems = new Object[n];
    Endpoint[] sortedEndpoints = new Endpoint[n];
    for (int i = 0; i < n; i++) {
      sortedItems[i] = Objects.requireNonNull(items.get(i), "item");
      sortedEndpoints[i] = Objects.requireNonNull(endpoints.get(i), "endpoint");
    }
    if (!isCanonical(sortedEndpoints)) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Endpoint[] in = sortedEndpoints.clone();
      Object[] inItems = sortedItems.clone();
      Arrays.sort(order, (a, b) -> EndpointSet.CANONICAL_ORDER.compare(in[a], in[b]));
      for (int i = 0; i < n; i++) {
        sortedItems[i] = inItems[order[i]];
        sortedEndpoints[i] = in[order[i]];
      }
    }
    for (int i = 1; i < n; i++) {
      if (sortedEndpoints[i].sameIdentity(sortedEndpoints[i - 1])) {
        throw new IllegalArgumentException(
            "endpoints: "
                + sortedEndpoints[i].hostPort()
                + " appears twice (expected: each IP and port once)");
      }
    }
    return new ArrayCandidates<>(sortedItems, sortedEndpoints, facts);
  }

  private static boolean isCanonical(Endpoint[] endpoints) {
    for (int i = 1; i < endpoints.length; i++) {
      if (EndpointSet.CANONICAL_ORDER.compare(endpoints[i - 1], endpoints[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T item(int index) {
    return (T) items[index];
  }

  @Override
  public Endpoint endpoint(int index) {
    return endpoints[index];
  }

  @Override
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "Candidates" + Arrays.toString(endpoints);
  }
}
