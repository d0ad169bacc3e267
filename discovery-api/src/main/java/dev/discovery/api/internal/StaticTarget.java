package dev.discovery.api.internal;

import dev.discovery.api.Target;
import dev.discovery.spi.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A fixed list of addresses: {@code static:///10.0.0.1:80,[::1]:80}. Each address is an IP literal
 * with a port; nothing is looked up.
 *
 * @param addresses the addresses in the order written; not empty, no duplicates, all resolved
 */
public record StaticTarget(List<InetSocketAddress> addresses) implements Target {
  static final String SCHEME = "static";
  static final String FORM =
      "static:///<ip>:<port>[,<ip>:<port>...], e.g. static:///10.0.0.1:80,[::1]:80";

  /**
   * @throws IllegalArgumentException if the list is empty, has duplicates or unresolved addresses
   */
  public StaticTarget {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("static addresses: empty (expected: " + FORM + ")");
    }
    for (InetSocketAddress a : addresses) {
      if (a.isUnresolved()) {
        throw new IllegalArgumentException(
            "static address: " + a + " (expected: an IP address, not a host name)");
      }
    }
    Set<InetSocketAddress> seen = new HashSet<>();
    for (InetSocketAddress a : addresses) {
      if (!seen.add(a)) {
        throw new IllegalArgumentException(
            "static address: "
                + IpAddresses.format(a)
                + " appears twice (expected: no address twice)");
      }
    }
  }

  /**
   * Parses {@code static:///<ip>:<port>[,<ip>:<port>...]}.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  public static StaticTarget parse(String target) {
    String rest = target.substring(target.indexOf("://") + 3);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "target: \"" + target + "\" has no '/' after the authority (expected: " + FORM + ")");
    }
    String authority = rest.substring(0, slash);
    String path = rest.substring(slash + 1);
    try {
      if (!authority.isEmpty()) {
        throw new IllegalArgumentException(
            "authority: \"" + authority + "\" on scheme static (expected: none, " + FORM + ")");
      }
      if (path.isEmpty()) {
        throw new IllegalArgumentException("static addresses: empty (expected: " + FORM + ")");
      }
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (String item : path.split(",", -1)) {
        addresses.add(parseAddress(item));
      }
      return new StaticTarget(addresses);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " in target \"" + target + "\"");
    }
  }

  private static InetSocketAddress parseAddress(String item) {
    String host;
    String portText;
    if (item.startsWith("[")) {
      int close = item.indexOf(']');
      if (close < 0 || close + 1 >= item.length() || item.charAt(close + 1) != ':') {
        throw bad(item, "an IPv6 address needs brackets and a port, as in [::1]:80");
      }
      host = item.substring(1, close);
      portText = item.substring(close + 2);
      InetAddress a = IpAddresses.parseLiteral(host);
      if (a == null || host.indexOf(':') < 0) {
        throw bad(item, "\"" + host + "\" is not an IPv6 address");
      }
      return new InetSocketAddress(a, parsePort(portText, item));
    }
    int colon = item.lastIndexOf(':');
    if (colon < 0) {
      throw bad(item, "no port");
    }
    host = item.substring(0, colon);
    portText = item.substring(colon + 1);
    if (host.indexOf(':') >= 0) {
      throw bad(item, "an IPv6 address needs brackets, as in [::1]:80");
    }
    InetAddress a = IpAddresses.parseLiteral(host);
    if (a == null) {
      throw bad(item, "\"" + host + "\" is not an IP address");
    }
    return new InetSocketAddress(a, parsePort(portText, item));
  }

  private static int parsePort(String text, String item) {
    if (!IpAddresses.isAsciiDigits(text, 5)) {
      throw bad(item, "port \"" + text + "\" is not a number");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port: " + port + " in static address \"" + item + "\" (expected: 1..65535)");
    }
    return port;
  }

  private static IllegalArgumentException bad(String item, String why) {
    return new IllegalArgumentException(
        "static address: \"" + item + "\": " + why + " (expected: " + FORM + ")");
  }

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public String authority() {
    return "";
  }

  /** The first address, as a gRPC channel's authority. */
  @Override
  public String serviceAuthority() {
    return IpAddresses.format(addresses.get(0));
  }

  @Override
  public String toString() {
    return "static:///"
        + addresses.stream().map(IpAddresses::format).collect(Collectors.joining(","));
  }
}
