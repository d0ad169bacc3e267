package dev.discovery.spi;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * IP literals parsed and printed without ever asking a resolver, for sources and tools: {@code
 * 10.0.0.1}, RFC 5952 IPv6 ({@code ::1}), {@code host:port} with IPv6 in brackets.
 *
 * @since 0.1
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal (without brackets), or returns {@code null} if
   * {@code text} is neither. Never performs a lookup.
   */
  public static InetAddress parseLiteral(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    byte[] v4 = parseIpv4(text);
    if (v4 != null) {
      return byAddress(v4);
    }
    if (text.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      // With brackets the JDK parses the literal and never falls back to a name lookup.
      InetAddress a = InetAddress.getByName("[" + text + "]");
      return a instanceof Inet6Address || a instanceof Inet4Address ? a : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      bytes[i] = (byte) v;
    }
    return bytes;
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address bytes: " + bytes.length, e);
    }
  }

  /** The address in text: dotted quad, or RFC 5952 compressed IPv6 (no brackets, no scope). */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(words[i]));
    }
    return s.toString();
  }

  /** The address as it goes in a {@code host:port} string: IPv6 in brackets. */
  public static String formatHost(InetAddress address) {
    String text = format(address);
    return address instanceof Inet6Address ? "[" + text + "]" : text;
  }

  /** An address as {@code host:port}: {@code 10.0.0.1:80}, {@code [::1]:80} (no look-up). */
  public static String format(InetSocketAddress address) {
    return formatHost(address.getAddress()) + ":" + address.getPort();
  }

  /** Whether {@code text} is 1 to {@code maxLength} ASCII digits (no other Unicode digit). */
  public static boolean isAsciiDigits(String text, int maxLength) {
    if (text.isEmpty() || text.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
