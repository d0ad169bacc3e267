package dev.discovery.api.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Endpoint identities (IP and port) in canonical order: IPv4 before IPv6, then address bytes
 * unsigned, then port. Comparing IPv4 addresses allocates nothing.
 */
public final class Identities {
  private Identities() {}

  public static int compare(InetSocketAddress a, InetSocketAddress b) {
    int c = compare(a.getAddress(), b.getAddress());
    return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
  }

  public static int compare(InetAddress a, InetAddress b) {
    boolean a4 = a instanceof Inet4Address;
    boolean b4 = b instanceof Inet4Address;
    if (a4 && b4) {
      // Inet4Address.hashCode() is the address as an int (specified since JDK 1.0's
      // implementation).
      return Integer.compareUnsigned(a.hashCode(), b.hashCode());
    }
    if (a4 != b4) {
      return a4 ? -1 : 1;
    }
    return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
  }
}
