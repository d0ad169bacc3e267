package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Runs picks through a real {@link Balancer} and counts where they went. */
final class PickStats {
  private PickStats() {}

  /**
   * Where the picks went.
   *
   * @param calls calls per endpoint identity (every endpoint of the snapshot, 0 when none)
   * @param keys keys per endpoint identity (empty without keys)
   * @param owners each key's endpoint (empty without keys)
   * @param total the number of calls
   */
  record Distribution(
      Map<InetSocketAddress, Long> calls,
      Map<InetSocketAddress, Integer> keys,
      Map<String, InetSocketAddress> owners,
      long total) {}

  /**
   * How the keys' endpoints changed between two distributions.
   *
   * @param keys keys compared
   * @param moved keys whose endpoint changed
   * @param fromGone moved because their endpoint is no longer eligible
   * @param toNew moved from an endpoint still eligible to one that was not eligible before
   * @param between moved between endpoints eligible before and after (consistent hashing keeps
   *     these few)
   */
  record Moves(int keys, int moved, int fromGone, int toNew, int between) {
    String describe() {
      if (moved == 0) {
        return String.format(Locale.ROOT, "keys moved: 0 of %,d", keys);
      }
      return String.format(
          Locale.ROOT,
          "keys moved: %,d of %,d (%.1f%%): %,d from endpoints gone, %,d to new endpoints, %,d"
              + " between endpoints that stayed",
          moved,
          keys,
          100.0 * moved / keys,
          fromGone,
          toNew,
          between);
    }
  }

  /** The keys {@code key-0} ... {@code key-<n-1>}. */
  static List<String> keys(int n) {
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add("key-" + i);
    }
    return keys;
  }

  /**
   * Makes {@code calls} picks from {@code balancer}: without keys when {@code keys} is empty, else
   * call {@code i} with key {@code i % keys.size()}.
   *
   * @throws dev.discovery.api.NoEndpointAvailableException if there is nothing to pick
   */
  static Distribution run(Balancer balancer, EndpointSet set, int calls, List<String> keys) {
    Map<InetSocketAddress, Long> counts = new LinkedHashMap<>();
    set.endpoints().forEach(e -> counts.put(e.address(), 0L));
    Map<String, InetSocketAddress> owners = new LinkedHashMap<>();
    Map<InetSocketAddress, Integer> perKey = new LinkedHashMap<>();
    if (!keys.isEmpty()) {
      set.endpoints().forEach(e -> perKey.put(e.address(), 0));
      for (String k : keys) {
        InetSocketAddress a = balancer.pick(k).address();
        owners.put(k, a);
        perKey.merge(a, 1, Integer::sum);
      }
    }
    for (int i = 0; i < calls; i++) {
      Endpoint e = keys.isEmpty() ? balancer.pick() : balancer.pick(keys.get(i % keys.size()));
      counts.merge(e.address(), 1L, Long::sum);
    }
    return new Distribution(counts, perKey, owners, calls);
  }

  /** How keys moved from {@code before} to {@code after} (keys in both are compared). */
  static Moves moves(
      Map<String, InetSocketAddress> before,
      Map<String, InetSocketAddress> after,
      Set<InetSocketAddress> eligibleBefore,
      Set<InetSocketAddress> eligibleAfter) {
    int keys = 0;
    int moved = 0;
    int fromGone = 0;
    int toNew = 0;
    int between = 0;
    for (Map.Entry<String, InetSocketAddress> e : before.entrySet()) {
      InetSocketAddress now = after.get(e.getKey());
      if (now == null) {
        continue;
      }
      keys++;
      if (now.equals(e.getValue())) {
        continue;
      }
      moved++;
      if (!eligibleAfter.contains(e.getValue())) {
        fromGone++;
      } else if (!eligibleBefore.contains(now)) {
        toNew++;
      } else {
        between++;
      }
    }
    return new Moves(keys, moved, fromGone, toNew, between);
  }

  /** The identities of {@code set}'s eligible endpoints. */
  static Set<InetSocketAddress> eligible(EndpointSet set) {
    return set.eligible().stream().map(Endpoint::address).collect(Collectors.toUnmodifiableSet());
  }

  /** The distribution as a bar chart, one bar per endpoint of {@code set}. */
  static List<String> chart(EndpointSet set, Distribution d, int width, char glyph, String indent) {
    Set<InetSocketAddress> eligible = eligible(set);
    List<BarChart.Bar> bars = new ArrayList<>();
    for (Endpoint e : set.endpoints()) {
      String label = e.hostPort() + (e.hostname() == null ? "" : "  " + e.hostname());
      List<String> notes = new ArrayList<>();
      if (!d.keys().isEmpty()) {
        notes.add(d.keys().getOrDefault(e.address(), 0) + " keys");
      }
      if (!eligible.contains(e.address())) {
        notes.add("not eligible: " + EndpointText.conditions(e));
      }
      bars.add(
          new BarChart.Bar(
              label, d.calls().getOrDefault(e.address(), 0L), String.join(", ", notes)));
    }
    return BarChart.render(bars, d.total(), width, glyph, indent);
  }
}
