package dev.discovery.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * A sticky key whose hash cannot be cached: a {@link CharSequence} over its own characters, whose
 * {@link #hashCode()} and {@link #equals(Object)} throw.
 *
 * <p>Why not a {@link String}: {@code String.hashCode()} is computed once and cached in the string,
 * so any implementation that hashed a key through it (as Armeria's sticky example does) would pay
 * for hashing only once per key and then look unrealistically cheap against one that hashes the
 * characters on every call. With this type every implementation under test must read the key's
 * characters on every pick: one that tried {@code hashCode()} would fail the run instead of being
 * silently flattered. Each key is made once in {@code @Setup} (no allocation during measurement);
 * the benchmarks cycle through {@value #KEYS_PER_SET} of them so that no pick sees the key of the
 * pick before it.
 */
public final class Key implements CharSequence {
  /** How many keys a benchmark cycles through (a power of two). */
  public static final int KEYS_PER_SET = 1024;

  private static final char[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".toCharArray();

  private final char[] chars;

  public Key(String text) {
    this.chars = text.toCharArray();
  }

  /** {@value #KEYS_PER_SET} distinct keys of {@code length} characters, from a seeded random. */
  public static Key[] set(int length, long seed) {
    if (length < 1) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 1)");
    }
    Random random = new Random(seed);
    Key[] keys = new Key[KEYS_PER_SET];
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int k = 0; k < keys.length; ) {
      char[] c = new char[length];
      for (int i = 0; i < length; i++) {
        c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
      }
      String s = new String(c);
      if (seen.add(s)) {
        keys[k++] = new Key(s);
      }
    }
    return keys;
  }

  @Override
  public int length() {
    return chars.length;
  }

  @Override
  public char charAt(int index) {
    return chars[index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new Key(new String(chars, start, end - start));
  }

  @Override
  public String toString() {
    return new String(chars);
  }

  /** Throws: a key must be hashed from its characters, never through a cached hash. */
  @Override
  public int hashCode() {
    throw new UnsupportedOperationException(
        "Key.hashCode(): hash the characters (expected: no implementation under test uses a"
            + " cached hash)");
  }

  /** Throws, like {@link #hashCode()}. */
  @Override
  public boolean equals(Object other) {
    throw new UnsupportedOperationException(
        "Key.equals(): compare the characters (expected: no implementation under test uses"
            + " equality of keys)");
  }

  /** Whether two keys have the same characters. */
  public boolean sameAs(Key other) {
    return Arrays.equals(chars, other.chars);
  }
}
