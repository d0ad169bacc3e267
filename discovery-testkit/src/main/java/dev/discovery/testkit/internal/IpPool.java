package dev.discovery.testkit.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Predicate;

/**
 * Hands out IPv4 addresses upward from a first one, skipping those whose last byte is 0 or 255 and
 * those in use, never handing one out twice. Not thread-safe (the cluster's lock guards it).
 */
public final class IpPool {
  private final String what;
  private final InetAddress first;
  private long next;

  /**
   * @throws IllegalArgumentException if {@code first} is not IPv4
   */
  public IpPool(String what, InetAddress first) {
    if (!(first instanceof Inet4Address)) {
      throw Validation.invalid(what + " first address", String.valueOf(first), "an IPv4 address");
    }
    this.what = what;
    this.first = first;
    this.next = toLong(first);
  }

  /** The next free address. */
  public InetAddress next(Predicate<InetAddress> used) {
    while (next <= 0xFFFF_FFFFL) {
      long candidate = next++;
      int last = (int) (candidate & 0xFF);
      if (last == 0 || last == 255) {
        continue;
      }
      InetAddress a = fromLong(candidate);
      if (!used.test(a)) {
        return a;
      }
    }
    throw new IllegalStateException(
        what
            + " addresses: none left after "
            + first.getHostAddress()
            + " (expected: fewer objects)");
  }

  /** The first address this pool hands out. */
  public InetAddress first() {
    return first;
  }

  private static long toLong(InetAddress a) {
    byte[] b = a.getAddress();
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
  }

  private static InetAddress fromLong(long v) {
    byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
