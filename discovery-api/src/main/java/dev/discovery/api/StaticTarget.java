package dev.discovery.api;

import dev.discovery.api.internal.Addresses;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A fixed list of addresses: {@code static:///10.0.0.1:80,[::1]:80}. Each address is an IP literal
 * with a port; nothing is looked up.
 *
 * @param addresses the addresses in the order written; not empty, no duplicates, all resolved
 * @since 0.1
 */
public record StaticTarget(List<InetSocketAddress> addresses) implements Target {

  /**
   * @throws IllegalArgumentException if the list is empty, has duplicates or unresolved addresses
   */
  public StaticTarget {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "static addresses: empty (expected: static:///<ip>:<port>[,<ip>:<port>...])");
    }
    for (InetSocketAddress a : addresses) {
      if (a.isUnresolved()) {
        throw new IllegalArgumentException(
            "static address: " + a + " (expected: an IP address, not a host name)");
      }
    }
    if (addresses.stream().distinct().count() != addresses.size()) {
      throw new IllegalArgumentException(
          "static addresses: " + addresses + " (expected: no address twice)");
    }
  }

  @Override
  public String scheme() {
    return Target.STATIC;
  }

  @Override
  public String authority() {
    return "";
  }

  /** Formats an address as this grammar writes it: {@code 10.0.0.1:80} or {@code [::1]:80}. */
  public static String format(InetSocketAddress address) {
    return Addresses.formatHost(address.getAddress()) + ":" + address.getPort();
  }

  @Override
  public String toString() {
    return "static:///"
        + addresses.stream().map(StaticTarget::format).collect(Collectors.joining(","));
  }
}
