package dev.discovery.bench.pick;

import dev.discovery.bench.Key;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sticky keys every implementation is given (a parameter of the keyed benchmarks): {@value
 * Key#KEYS_PER_SET} distinct keys of {@link #keyLength} characters, the same in every fork.
 */
@State(Scope.Benchmark)
public class KeySet {
  @Param({"16", "36"})
  public int keyLength;

  Key[] keys;

  /** The same keys as {@link String}s. */
  String[] strings;

  @Setup
  public void setUp() {
    keys = Key.set(keyLength, 7919L * keyLength);
    strings = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      strings[i] = keys[i].toString();
    }
  }
}
