package dev.discovery.api.internal;

import dev.discovery.api.Candidates;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Candidates backed by arrays in canonical order, with an index by endpoint identity. */
public final class ArrayCandidates<T> implements Candidates<T> {
  private final Object[] items;
  private final Endpoint[] endpoints;
  private final Map<InetSocketAddress, Integer> indexById;

  private ArrayCandidates(Object[] items, Endpoint[] endpoints) {
    this.items = items;
    this.endpoints = endpoints;
    Map<InetSocketAddress, Integer> index = new HashMap<>(endpoints.length * 2);
    for (int i = 0; i < endpoints.length; i++) {
      if (index.put(endpoints[i].address(), i) != null) {
        throw new IllegalArgumentException(
            "endpoints: "
                + endpoints[i].hostPort()
                + " appears twice (expected: each IP and port once)");
      }
    }
    this.indexById = index;
  }

  public static <T> ArrayCandidates<T> of(List<? extends T> items, List<Endpoint> endpoints) {
    if (items.size() != endpoints.size()) {
      throw new IllegalArgumentException(
          "items: "
              + items.size()
              + " for "
              + endpoints.size()
              + " endpoints (expected: one item per endpoint)");
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("candidates: empty (expected: at least one)");
    }
    Integer[] order = new Integer[items.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, (a, b) -> EndpointSet.CANONICAL_ORDER.compare(endpoints.get(a), endpoints.get(b)));
    Object[] sortedItems = new Object[order.length];
    Endpoint[] sortedEndpoints = new Endpoint[order.length];
    for (int i = 0; i < order.length; i++) {
      sortedItems[i] = java.util.Objects.requireNonNull(items.get(order[i]), "item");
      sortedEndpoints[i] = java.util.Objects.requireNonNull(endpoints.get(order[i]), "endpoint");
    }
    return new ArrayCandidates<>(sortedItems, sortedEndpoints);
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

  /** The index of the endpoint with identity {@code id}, or -1. Allocates nothing. */
  public int indexOf(InetSocketAddress id) {
    Integer i = indexById.get(id);
    return i == null ? -1 : i;
  }

  /** The candidates of any implementation as an {@link ArrayCandidates}. */
  public static <T> ArrayCandidates<T> from(Candidates<T> candidates) {
    if (candidates instanceof ArrayCandidates<T> a) {
      return a;
    }
    Object[] items = new Object[candidates.size()];
    Endpoint[] endpoints = new Endpoint[candidates.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = candidates.item(i);
      endpoints[i] = candidates.endpoint(i);
    }
    @SuppressWarnings("unchecked")
    List<T> itemList = (List<T>) Arrays.asList(items);
    return of(itemList, Arrays.asList(endpoints));
  }

  @Override
  public String toString() {
    return "Candidates" + Arrays.toString(endpoints);
  }
}
