package dev.discovery.api.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.PickCounter;
import dev.discovery.spi.IpAddresses;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Picks per endpoint of one target, across its balancers and snapshots: one striped counter per
 * endpoint identity, at most {@code max} of them (picks of endpoints beyond go to one shared
 * counter); an endpoint's counter goes when it leaves the snapshot. Balancers get a {@link Table}
 * per picker, built off the pick path; counting a pick is a lookup by identity and an increment.
 */
final class PickCounts {
  private final int max;
  private final TreeMap<InetSocketAddress, LongAdder> counted =
      new TreeMap<>(EndpointSet.IDENTITY_ORDER); // guarded by this
  private final LongAdder other = new LongAdder();

  PickCounts(int max) {
    this.max = max;
  }

  /**
   * The counters of {@code candidates} (a picker's), made for new endpoints while there is room.
   */
  synchronized Table table(List<Endpoint> candidates) {
    IdentityHashMap<Endpoint, LongAdder> byInstance = new IdentityHashMap<>(candidates.size());
    for (Endpoint e : candidates) {
      LongAdder a = counted.get(e.address());
      if (a == null && counted.size() < max) {
        a = new LongAdder();
        counted.put(e.address(), a);
      }
      if (a != null) {
        byInstance.put(e, a);
      }
    }
    return new Table(byInstance, other);
  }

  /** Drops the counters of endpoints that left: {@code set} is the target's new snapshot. */
  synchronized void retain(EndpointSet set) {
    if (counted.isEmpty()) {
      return;
    }
    Set<InetSocketAddress> present = new HashSet<>(set.size() * 2);
    for (Endpoint e : set.endpoints()) {
      present.add(e.address());
    }
    counted.keySet().retainAll(present);
  }

  /** Picks per endpoint ({@code ip:port}), in canonical order. */
  synchronized Map<String, Long> perEndpoint() {
    Map<String, Long> m = new LinkedHashMap<>();
    counted.forEach((address, adder) -> m.put(IpAddresses.format(address), adder.sum()));
    return m;
  }

  /** Picks of endpoints beyond the bound. */
  long other() {
    return other.sum();
  }

  /** One picker's counters: read-only once built, so a pick takes no lock and allocates nothing. */
  static final class Table implements PickCounter {
    private final IdentityHashMap<Endpoint, LongAdder> byInstance;
    private final LongAdder other;

    Table(IdentityHashMap<Endpoint, LongAdder> byInstance, LongAdder other) {
      this.byInstance = byInstance;
      this.other = other;
    }

    /** Counts a pick of {@code e}. */
    @Override
    public void count(Endpoint e) {
      LongAdder a = byInstance.get(e);
      (a != null ? a : other).increment();
    }
  }
}
