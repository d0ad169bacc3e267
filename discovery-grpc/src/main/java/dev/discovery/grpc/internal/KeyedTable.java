package dev.discovery.grpc.internal;

import dev.discovery.api.Picker;
import dev.discovery.api.internal.AffinityTable;
import dev.discovery.api.internal.ArrayCandidates;
import java.net.InetSocketAddress;

/**
 * A keyed policy's picker over every eligible endpoint, whatever its subchannel's state (so a
 * reconnect never moves keys), built once per resolution; the view the affinity table remembers
 * choices through.
 */
final class KeyedTable implements AffinityTable.View<Slot> {
  /** At most this many choices are tried for a key before the fallback. */
  static final int MAX_ATTEMPTS = 64;

  final Picker<Slot> picker;
  final int attempts;
  private final ArrayCandidates<Slot> candidates;
  private final int generation;

  KeyedTable(Picker<Slot> picker, ArrayCandidates<Slot> candidates, int generation) {
    this.picker = picker;
    this.candidates = candidates;
    this.generation = generation;
    this.attempts = Math.min(MAX_ATTEMPTS, 8 * candidates.size());
  }

  @Override
  public int generation() {
    return generation;
  }

  @Override
  public Slot find(InetSocketAddress id) {
    int i = candidates.indexOf(id);
    return i < 0 ? null : candidates.item(i);
  }

  @Override
  public InetSocketAddress identity(Slot item) {
    return item.id;
  }

  @Override
  public Slot choose(CharSequence key) {
    return picker.pick(key);
  }

  int size() {
    return candidates.size();
  }
}
