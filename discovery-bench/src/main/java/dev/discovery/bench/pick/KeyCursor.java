package dev.discovery.bench.pick;

import dev.discovery.bench.Key;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Each thread's position in the {@link KeySet}: every pick takes the next key, so no pick sees the
 * key of the pick before it.
 */
@State(Scope.Thread)
public class KeyCursor {
  private static final int MASK = Key.KEYS_PER_SET - 1;

  private int next;

  int advance() {
    return next++ & MASK;
  }
}
