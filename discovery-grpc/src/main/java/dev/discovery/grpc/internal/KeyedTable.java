package dev.discovery.grpc.internal;

import dev.discovery.spi.Picker;

/**
 * A keyed policy's picker over every eligible endpoint, whatever its subchannel's state (so a
 * reconnect never moves keys), built once per resolution, and how many of a key's choices to try.
 */
final class KeyedTable {
  /** At most this many choices are tried for a key before the fallback. */
  static final int MAX_ATTEMPTS = 64;

  final Picker<Slot> picker;
  final int attempts;
  private final int size;

  KeyedTable(Picker<Slot> picker, int size) {
    this.picker = picker;
    this.size = size;
    this.attempts = Math.min(MAX_ATTEMPTS, 8 * size);
  }

  /** How many endpoints the picker chooses among. */
  int size() {
    return size;
  }
}
