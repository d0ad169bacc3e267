package dev.discovery.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "discovery sticky hash v2": its forms agree (characters, ASCII bytes, endpoint identities) and it
 * mixes well: every input bit changes every output bit about half the time, and keys spread evenly
 * over buckets. Seeded, so a failure repeats. The published vectors are checked by {@link
 * StickyHashSpecTest}.
 */
class StickyHashTest {
  private static final String ASCII =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/";

  /** Characters beyond ASCII: Latin-1, other BMP, and supplementary (as surrogate pairs). */
  private static final String[] OTHERS = {"é", "ß", "Ω", "ж", "中", "€", "\uffff", "😀", "𝄞"};

  private static String text(Random random, int length, boolean ascii) {
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      if (!ascii && random.nextInt(4) == 0) {
        b.append(OTHERS[random.nextInt(OTHERS.length)]);
      } else {
        b.append(ASCII.charAt(random.nextInt(ASCII.length())));
      }
    }
    return b.toString();
  }

  /** ASCII bytes seen as characters, one per byte, as a gRPC header's value could be hashed. */
  private record AsciiBytes(byte[] bytes) implements CharSequence {
    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      throw new UnsupportedOperationException();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void anAsciiKey_hashesTheSameAsTextAndAsBytes(long seed) {
    Random random = new Random(seed);
    for (int length = 0; length <= 80; length++) {
      for (int k = 0; k < 20; k++) {
        String key = text(random, length, true);
        long expected = StickyHash.hashKey(key);
        assertThat(StickyHash.hashKey(new AsciiBytes(key.getBytes(StandardCharsets.US_ASCII))))
            .as(key)
            .isEqualTo(expected);
        assertThat(StickyHash.hashKey(new StringBuilder(key))).as(key).isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void anEndpoint_hashesAsItsAddressGroupsThenItsPort(long seed) throws UnknownHostException {
    Random random = new Random(seed);
    for (int k = 0; k < 1000; k++) {
      byte[] ip = new byte[k % 2 == 0 ? 4 : 16];
      random.nextBytes(ip);
      if (ip.length == 16) {
        ip[0] = 0x20; // not IPv4-mapped, which Java turns into IPv4
      }
      int port = random.nextInt(65536);
      InetSocketAddress id = new InetSocketAddress(InetAddress.getByAddress(ip), port);
      StringBuilder units = new StringBuilder();
      for (int g = 0; g < ip.length; g += 2) {
        units.append((char) ((ip[g] & 0xff) << 8 | (ip[g + 1] & 0xff)));
      }
      units.append((char) port);
      for (long hashSeed : new long[] {StickyHash.OFFSET_SEED, StickyHash.SKIP_SEED}) {
        assertThat(StickyHash.hashEndpoint(id, hashSeed))
            .as("%s seed %d", id, hashSeed)
            .isEqualTo(StickyHash.hash(units, StickyHash.seedKey(hashSeed)));
      }
    }
  }

  /**
   * Avalanche: for random inputs of each length, flipping any one input bit flips each of the 64
   * output bits with a probability within 0.5 ± 0.035, measured over 8,000 inputs (one standard
   * deviation is 0.0056; among the thousands of (input bit, output bit) cells, a perfect hash's
   * worst would be about 0.025 away). Keys (seed 0) of any 16-bit units and of ASCII, and endpoint
   * shapes (3 and 9 units) with the offset seed.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "units 1",
        "units 2",
        "units 4",
        "units 5",
        "units 8",
        "units 9",
        "units 17",
        "ascii 3",
        "ascii 16",
        "ascii 36",
        "endpoint 3",
        "endpoint 9"
      })
  void flippingOneInputBit_flipsEachOutputBitHalfTheTime(String shape) {
    String[] parts = shape.split(" ");
    int length = Integer.parseInt(parts[1]);
    int bitsPerUnit = parts[0].equals("ascii") ? 7 : 16;
    long k = StickyHash.seedKey(parts[0].equals("endpoint") ? StickyHash.OFFSET_SEED : 0);
    int trials = 8000;
    Random random = new Random(shape.hashCode());
    int bits = bitsPerUnit * length;
    int[][] flips = new int[bits][64];
    char[] units = new char[length];
    CharSequence input = java.nio.CharBuffer.wrap(units);
    for (int t = 0; t < trials; t++) {
      for (int u = 0; u < length; u++) {
        units[u] = (char) random.nextInt(1 << bitsPerUnit);
      }
      long h = StickyHash.hash(input, k);
      for (int bit = 0; bit < bits; bit++) {
        int u = bit / bitsPerUnit;
        char flip = (char) (1 << (bit % bitsPerUnit));
        units[u] ^= flip;
        long changed = h ^ StickyHash.hash(input, k);
        units[u] ^= flip;
        for (int out = 0; out < 64; out++) {
          flips[bit][out] += (int) (changed >>> out) & 1;
        }
      }
    }
    double worst = 0;
    String where = "";
    for (int bit = 0; bit < bits; bit++) {
      for (int out = 0; out < 64; out++) {
        double bias = Math.abs((double) flips[bit][out] / trials - 0.5);
        if (bias > worst) {
          worst = bias;
          where = "input bit " + bit + ", output bit " + out;
        }
      }
    }
    System.out.printf(
        "sticky hash v2 avalanche, %s: worst |p - 0.5| = %.4f (%s)%n", shape, worst, where);
    assertThat(worst).as(where).isLessThanOrEqualTo(0.035);
  }

  /** How a sample of keys falls into 1,024 buckets. */
  private interface Bucketing {
    int bucket(long hash);
  }

  /**
   * Chi-square of 200,000 distinct keys over 1,024 buckets, by the top bits (what a Maglev slot
   * uses) and by the low bits, for keys of several shapes: counters differing in a digit or two,
   * UUIDs, random text of 8 to 40 characters with some beyond ASCII, client IP addresses. A good
   * hash gives about 1,023 (the degrees of freedom, standard deviation 45); the bound is 6 standard
   * deviations either side (a too even spread is structure too).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"session-counter", "uuid", "random-text", "client-ip"})
  void keysSpreadEvenlyOverBuckets(String shape) {
    int keys = 200_000;
    int buckets = 1024;
    Random random = new Random(shape.hashCode());
    long[] hashes = new long[keys];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < keys; ) {
      String key =
          switch (shape) {
            case "session-counter" -> "session-" + i;
            case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
            case "random-text" -> text(random, 8 + random.nextInt(33), false);
            case "client-ip" -> "10." + (i >>> 16) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            default -> throw new IllegalArgumentException(shape);
          };
      if (seen.add(key)) {
        hashes[i++] = StickyHash.hashKey(key);
      }
    }
    double bound = 6 * Math.sqrt(2.0 * (buckets - 1));
    Map<String, Bucketing> bucketings =
        Map.of("top bits", h -> (int) (h >>> 54), "low bits", h -> (int) (h & (buckets - 1)));
    for (var entry : bucketings.entrySet()) {
      double chi = chiSquare(hashes, buckets, entry.getValue());
      System.out.printf(
          "sticky hash v2 chi-square, %s keys by %s: %.1f (df %d)%n",
          shape, entry.getKey(), chi, buckets - 1);
      assertThat(Math.abs(chi - (buckets - 1))).as(entry.getKey()).isLessThanOrEqualTo(bound);
    }
  }

  /**
   * Endpoints whose addresses count up (a pod CIDR), IPv4 and IPv6: their Maglev offsets are spread
   * evenly, and the skip tells nothing of the offset (chi-square of the 32 x 32 joint buckets).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10.0.0.0:80", "10.0.0.0:8080", "[fd00::]:8080"})
  void endpointOffsetsAndSkips_spreadEvenlyAndIndependently(String first)
      throws UnknownHostException {
    int endpoints = 100_000;
    int colon = first.lastIndexOf(':');
    byte[] base = InetAddress.getByName(first.substring(0, colon)).getAddress();
    int port = Integer.parseInt(first.substring(colon + 1));
    long[] offsets = new long[endpoints];
    long[] pairs = new long[endpoints];
    for (int i = 0; i < endpoints; i++) {
      byte[] ip = base.clone();
      ip[ip.length - 3] = (byte) (i >>> 16);
      ip[ip.length - 2] = (byte) (i >>> 8);
      ip[ip.length - 1] = (byte) i;
      InetSocketAddress id = new InetSocketAddress(InetAddress.getByAddress(ip), port);
      long offset = StickyHash.hashEndpoint(id, StickyHash.OFFSET_SEED);
      long skip = StickyHash.hashEndpoint(id, StickyHash.SKIP_SEED);
      offsets[i] = offset;
      pairs[i] = (offset >>> 59) << 5 | (skip >>> 59);
    }
    double offsetChi = chiSquare(offsets, 1024, h -> (int) (h >>> 54));
    double jointChi = chiSquare(pairs, 1024, h -> (int) h);
    System.out.printf(
        "sticky hash v2 chi-square, endpoints from %s: offsets %.1f, offset x skip %.1f"
            + " (df 1023)%n",
        first, offsetChi, jointChi);
    double bound = 6 * Math.sqrt(2.0 * 1023);
    assertThat(Math.abs(offsetChi - 1023)).isLessThanOrEqualTo(bound);
    assertThat(Math.abs(jointChi - 1023)).isLessThanOrEqualTo(bound);
  }

  private static double chiSquare(long[] hashes, int buckets, Bucketing bucketing) {
    long[] counts = new long[buckets];
    for (long h : hashes) {
      counts[bucketing.bucket(h)]++;
    }
    double expected = (double) hashes.length / buckets;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }
}
