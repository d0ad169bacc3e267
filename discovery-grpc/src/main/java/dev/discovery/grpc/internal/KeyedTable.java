package dev.discovery.grpc.internal;

import dev.discovery.api.internal.ArrayCandidates;
import dev.discovery.api.internal.PickerView;
import dev.discovery.spi.Picker;
import java.net.InetSocketAddress;

/**
 * A keyed policy's picker over every eligible endpoint, whatever its subchannel's state (so a
 * reconnect never moves keys), built once per resolution; the view the affinity table remembers
 * choices through.
 */
final class KeyedTable extends PickerView<Slot> {
  /** At most this many choices are tried for a key before the fallback. */
  static final int MAX_ATTEMPTS = 64;

  final int attempts;

  KeyedTable(Picker<Slot> picker, ArrayCandidates<Slot> candidates, int generation) {
    super(picker, candidates, generation);
    this.attempts = Math.min(MAX_ATTEMPTS, 8 * candidates.size());
  }

  @Override
  public InetSocketAddress identity(Slot item) {
    return item.id;
  }
}
