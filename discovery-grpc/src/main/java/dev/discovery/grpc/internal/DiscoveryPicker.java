package dev.discovery.grpc.internal;

import dev.discovery.api.PickCounter;
import dev.discovery.spi.Picker;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.Metadata;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The picker of {@link DiscoveryLoadBalancer}: immutable, lock-free; a pick that lands on a READY
 * subchannel returns its preallocated {@link PickResult}.
 *
 * <ul>
 *   <li>Unkeyed policy: the policy's picker over the READY subchannels at the time it was built.
 *   <li>Keyed policy, call with the key header: the key's choice over every eligible endpoint. If
 *       its subchannel is not READY (read live), an IDLE one is asked to connect and the key stays
 *       where the previous table sent it, if that endpoint is still present and READY (a scale-up
 *       moves a key once, when its new owner is READY, not first to a third endpoint); else the
 *       key's next deterministic choices are tried; if none of them is READY, a READY subchannel
 *       chosen from the key's hash.
 *   <li>Keyed policy, call without the header: a random READY subchannel.
 * </ul>
 *
 * With nothing READY, the call waits (something is connecting) or fails with the last failure. When
 * the watch's discovery counts picks, each pick of a subchannel is counted for its endpoint (a
 * lookup by identity and an increment).
 */
final class DiscoveryPicker extends SubchannelPicker {
  private final Picker<Slot> readyPicker; // unkeyed: over READY slots; null when none or keyed
  private final KeyedTable keyed; // keyed policies only
  private final KeyedTable previous; // keyed: the last warm table, while new endpoints warm up
  private final Metadata.Key<String> header; // or null
  private final Slot[] ready;
  private final PickResult none;
  private final PickCounter picks; // or null

  private DiscoveryPicker(
      Picker<Slot> readyPicker,
      KeyedTable keyed,
      KeyedTable previous,
      Metadata.Key<String> header,
      Slot[] ready,
      PickResult none,
      PickCounter picks) {
    this.readyPicker = readyPicker;
    this.keyed = keyed;
    this.previous = previous;
    this.header = header;
    this.ready = ready;
    this.none = none;
    this.picks = picks;
  }

  /**
   * For an unkeyed policy: {@code readyPicker} over {@code ready}, or {@code none} if empty; picks
   * counted by {@code picks}, or not if it is null.
   */
  static DiscoveryPicker unkeyed(
      Picker<Slot> readyPicker, Slot[] ready, PickResult none, PickCounter picks) {
    return new DiscoveryPicker(
        ready.length == 0 ? null : readyPicker, null, null, null, ready, none, picks);
  }

  /**
   * For a keyed policy: {@code keyed} over every endpoint, and {@code previous} (or {@code null})
   * the table whose choice a key keeps while its owner in {@code keyed} is not READY.
   */
  static DiscoveryPicker keyed(
      KeyedTable keyed,
      KeyedTable previous,
      Metadata.Key<String> header,
      Slot[] ready,
      PickResult none,
      PickCounter picks) {
    return new DiscoveryPicker(null, keyed, previous, header, ready, none, picks);
  }

  @Override
  public PickResult pickSubchannel(PickSubchannelArgs args) {
    if (keyed == null) {
      Picker<Slot> p = readyPicker;
      return p == null ? none : picked(p.pick());
    }
    String key = header == null ? null : args.getHeaders().get(header);
    return key == null ? anyReady() : forKey(key);
  }

  private PickResult anyReady() {
    Slot[] r = ready;
    if (r.length == 0) {
      return none;
    }
    return picked(r[r.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(r.length)]);
  }

  private PickResult forKey(String key) {
    KeyedTable k = keyed;
    Slot first = k.picker.pick(key);
    if (first.isReady()) {
      return picked(first);
    }
    first.connectFromPicker();
    KeyedTable before = previous;
    if (before != null) {
      Slot had = before.picker.pick(key);
      if (had.isUsable()) {
        return picked(had);
      }
    }
    for (int attempt = 1; attempt < k.attempts; attempt++) {
      Slot s = k.picker.pick(key, attempt);
      if (s.isReady()) {
        return picked(s);
      }
    }
    Slot[] r = ready;
    if (r.length == 0) {
      return none;
    }
    Slot s = r[Math.floorMod(key.hashCode(), r.length)];
    return s.isReady() ? picked(s) : none;
  }

  private PickResult picked(Slot s) {
    PickCounter c = picks;
    if (c != null) {
      c.count(s.endpoint);
    }
    return s.result;
  }

  @Override
  public String toString() {
    return "DiscoveryPicker["
        + (keyed == null ? "unkeyed" : "keyed over " + keyed.size())
        + (previous == null ? "" : ", previously over " + previous.size())
        + ", ready="
        + ready.length
        + "]";
  }
}
