package dev.discovery.api.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * "discovery sticky hash v2": the stable 64-bit hash behind sticky picking, specified in {@code
 * docs/sticky-hash.md} so that any client, in any language, maps a key to the same endpoint. Never
 * change it within a major version.
 *
 * <p>A function {@code h(units, seed)} of a sequence of 16-bit units. A key is its UTF-16 code
 * units (a Java {@code String}'s {@code char}s) with seed 0, so an ASCII key given as bytes (a gRPC
 * header's) is one unit per byte. An endpoint is its address as big-endian 16-bit groups (2 for
 * IPv4, 8 for IPv6) then its port, with seed 1 for its Maglev offset and 2 for its skip.
 *
 * <pre>
 * mul(x, y)  = the signed 128-bit product of x and y;  mix(x, y) = lo64(mul(x, y)) ^ hi64(mul(x, y))
 * k    = mix(seed ^ P1, P2)
 * w_j  = units 4j .. 4j+3, unit 4j + i in bits 16i .. 16i+15, units past the end 0,
 *        for j = 0 .. 2 * ceil(n / 8) - 1                                  (n: the unit count)
 * m_j  = w_j ^ (k + (j + 1) * P3)
 * lo   = sum over i of lo64(mul(m_2i, m_2i+1)),   hi = sum over i of hi64(mul(m_2i, m_2i+1))
 * h    = mix(lo ^ k ^ P4, hi ^ n ^ P5)
 * </pre>
 *
 * with the xxHash64 primes P1 = 0x9E3779B185EBCA87, P2 = 0xC2B2AE3D27D4EB4F, P3 =
 * 0x165667B19E3779F9, P4 = 0x85EBCA77C2B2AE63, P5 = 0x27D4EB2F165667C5, arithmetic modulo 2^64.
 * Each 8-unit block is one multiplication, independent of the others (no chain through the input);
 * a 16-character key costs three multiplications, two of them side by side.
 */
public final class StickyHash {
  static final long P1 = 0x9E3779B185EBCA87L;
  static final long P2 = 0xC2B2AE3D27D4EB4FL;
  static final long P3 = 0x165667B19E3779F9L;
  static final long P4 = 0x85EBCA77C2B2AE63L;
  static final long P5 = 0x27D4EB2F165667C5L;

  public static final long KEY_SEED = 0;
  public static final long OFFSET_SEED = 1;
  public static final long SKIP_SEED = 2;

  /** {@code k} for {@link #KEY_SEED}. */
  private static final long KEY_K = seedKey(KEY_SEED);

  private StickyHash() {}

  /** The hash of a key's characters. Allocates nothing; never uses {@link String#hashCode()}. */
  public static long hashKey(CharSequence key) {
    return hash(key, KEY_K);
  }

  /** {@code h(units, seed)} with {@code k} the seed's key ({@link #seedKey}). */
  static long hash(CharSequence units, long k) {
    int n = units.length();
    long mask = k + P3; // word 2i's mask; word 2i + 1's is mask + P3
    long lo = 0;
    long hi = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long x = word(units, i) ^ mask;
      long y = word(units, i + 4) ^ (mask + P3);
      lo += x * y;
      hi += Math.multiplyHigh(x, y);
      mask += 2 * P3;
    }
    int rest = n - i;
    if (rest > 0) {
      long x = (rest >= 4 ? word(units, i) : part(units, i, rest)) ^ mask;
      long y = (rest > 4 ? part(units, i + 4, rest - 4) : 0) ^ (mask + P3);
      lo += x * y;
      hi += Math.multiplyHigh(x, y);
    }
    return finish(lo, hi, n, k);
  }

  /** Units {@code i .. i + 3} as a word. */
  private static long word(CharSequence s, int i) {
    return s.charAt(i)
        | (long) s.charAt(i + 1) << 16
        | (long) s.charAt(i + 2) << 32
        | (long) s.charAt(i + 3) << 48;
  }

  /** Units {@code i .. i + count - 1} (count below 4) as a word. */
  private static long part(CharSequence s, int i, int count) {
    long w = s.charAt(i);
    if (count > 1) {
      w |= (long) s.charAt(i + 1) << 16;
      if (count > 2) {
        w |= (long) s.charAt(i + 2) << 32;
      }
    }
    return w;
  }

  /**
   * The hash of an endpoint identity with {@code seed}: of its address as big-endian 16-bit groups
   * then its port. Allocates nothing for IPv4.
   */
  public static long hashEndpoint(InetSocketAddress address, long seed) {
    InetAddress ip = address.getAddress();
    long port = address.getPort();
    long k = seedKey(seed);
    if (ip instanceof Inet4Address) {
      // Inet4Address.hashCode() is the address as a big-endian int: groups (high, low).
      long v4 = ip.hashCode() & 0xffffffffL;
      long x = (v4 >>> 16 | (v4 & 0xffff) << 16 | port << 32) ^ (k + P3);
      long y = k + 2 * P3; // the word past the end
      return finish(x * y, Math.multiplyHigh(x, y), 3, k);
    }
    byte[] a = ip.getAddress();
    long x0 = groups(a, 0) ^ (k + P3);
    long y0 = groups(a, 8) ^ (k + 2 * P3);
    long x1 = port ^ (k + 3 * P3);
    long y1 = k + 4 * P3;
    return finish(x0 * y0 + x1 * y1, Math.multiplyHigh(x0, y0) + Math.multiplyHigh(x1, y1), 9, k);
  }

  /** The four big-endian 16-bit groups in {@code a[from .. from + 7]} as a word. */
  private static long groups(byte[] a, int from) {
    long w = 0;
    for (int g = 0; g < 4; g++) {
      long group = (a[from + 2 * g] & 0xff) << 8 | (a[from + 2 * g + 1] & 0xff);
      w |= group << (16 * g);
    }
    return w;
  }

  /** The seed's key {@code k}. */
  static long seedKey(long seed) {
    return mix(seed ^ P1, P2);
  }

  private static long finish(long lo, long hi, long n, long k) {
    return mix(lo ^ k ^ P4, hi ^ n ^ P5);
  }

  private static long mix(long x, long y) {
    return x * y ^ Math.multiplyHigh(x, y);
  }
}
