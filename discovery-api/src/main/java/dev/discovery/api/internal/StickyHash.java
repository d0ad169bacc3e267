package dev.discovery.api.internal;

import java.net.InetSocketAddress;

/**
 * "discovery sticky hash v1": the stable 64-bit hash behind sticky picking. Specified here and in
 * README so that any client, in any language, maps a key to the same endpoint. Never change it
 * within a major version.
 *
 * <p>The input is a sequence of 64-bit words. For a key, its UTF-16 code units packed four to a
 * word, little end first (unit i at bits 16 (i mod 4)), the last word zero-padded. For an endpoint,
 * IPv4: one word, the address as an unsigned big-endian 32-bit number in bits 0-31 and the port in
 * bits 32-47; IPv6: the address's two big-endian 64-bit halves, then the port as a word.
 *
 * <pre>
 * h = seed + P5 + length * P1     (length: code units for a key, address bytes for an endpoint)
 * for each word w:  h ^= rotl(w * P2, 31) * P1;  h = rotl(h, 27) * P1 + P4
 * h ^= h >>> 33; h *= 0xff51afd7ed558ccd; h ^= h >>> 33; h *= 0xc4ceb9fe1a85ec53; h ^= h >>> 33
 * </pre>
 *
 * with the xxHash64 primes P1 = 0x9E3779B185EBCA87, P2 = 0xC2B2AE3D27D4EB4F, P4 =
 * 0x85EBCA77C2B2AE63, P5 = 0x27D4EB2F165667C5, arithmetic modulo 2^64. Keys use seed 0; an
 * endpoint's Maglev offset uses seed 1 and its skip seed 2.
 */
public final class StickyHash {
  static final long P1 = 0x9E3779B185EBCA87L;
  static final long P2 = 0xC2B2AE3D27D4EB4FL;
  static final long P4 = 0x85EBCA77C2B2AE63L;
  static final long P5 = 0x27D4EB2F165667C5L;

  public static final long KEY_SEED = 0;
  public static final long OFFSET_SEED = 1;
  public static final long SKIP_SEED = 2;

  private StickyHash() {}

  /** The hash of a key's characters. Allocates nothing; never uses {@link String#hashCode()}. */
  public static long hashKey(CharSequence key) {
    int n = key.length();
    long h = KEY_SEED + P5 + n * P1;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      long w =
          key.charAt(i)
              | ((long) key.charAt(i + 1) << 16)
              | ((long) key.charAt(i + 2) << 32)
              | ((long) key.charAt(i + 3) << 48);
      h = step(h, w);
    }
    if (i < n) {
      long w = 0;
      for (int shift = 0; i < n; i++, shift += 16) {
        w |= (long) key.charAt(i) << shift;
      }
      h = step(h, w);
    }
    return finish(h);
  }

  /** The hash of an endpoint identity with {@code seed}. Allocates nothing for IPv4. */
  public static long hashEndpoint(InetSocketAddress address, long seed) {
    java.net.InetAddress ip = address.getAddress();
    long port = address.getPort();
    if (ip instanceof java.net.Inet4Address) {
      long h = seed + P5 + 4 * P1;
      // Inet4Address.hashCode() is the address as a big-endian int.
      return finish(step(h, (ip.hashCode() & 0xffffffffL) | (port << 32)));
    }
    byte[] a = ip.getAddress();
    long h = seed + P5 + a.length * P1;
    h = step(h, bigEndian(a, 0, 8));
    h = step(h, bigEndian(a, 8, 8));
    h = step(h, port);
    return finish(h);
  }

  private static long bigEndian(byte[] a, int from, int count) {
    long v = 0;
    for (int i = from; i < from + count; i++) {
      v = (v << 8) | (a[i] & 0xff);
    }
    return v;
  }

  private static long step(long h, long w) {
    h ^= Long.rotateLeft(w * P2, 31) * P1;
    return Long.rotateLeft(h, 27) * P1 + P4;
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
