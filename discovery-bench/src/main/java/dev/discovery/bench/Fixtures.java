package dev.discovery.bench;

import dev.discovery.api.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoints every implementation works over: {@code n} distinct IPv4 loopback addresses
 * (127.1.0.0 upward) on port 8080, in canonical order. Only data: nothing is ever dialled.
 */
public final class Fixtures {
  public static final int PORT = 8080;

  private Fixtures() {}

  public static List<Endpoint> endpoints(int n) {
    if (n < 1 || n > 1 << 22) {
      throw new IllegalArgumentException("endpoints: " + n + " (expected: 1..4194304)");
    }
    List<Endpoint> endpoints = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.of(ip(i), PORT));
    }
    return List.copyOf(endpoints);
  }

  /** The {@code i}-th address: 127.(1 + i / 65536).(i / 256 % 256).(i % 256). */
  public static InetAddress ip(int i) {
    byte[] a = {127, (byte) (1 + (i >>> 16)), (byte) (i >>> 8), (byte) i};
    try {
      return InetAddress.getByAddress(a);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }

  /** {@code host:port} of each endpoint, as peers configured by strings take them. */
  public static List<String> hostPorts(List<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::hostPort).toList();
  }
}
