package dev.discovery.k8s.internal;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.TextParseException;

/** Building DNS names within DNS's limits, and writing lists of them into messages. */
final class DnsNames {
  /** The most bytes a name may take in a DNS message (RFC 1035 §2.3.4). */
  static final int MAX_BYTES = 255;

  private DnsNames() {}

  /**
   * The absolute name {@code text} (with its trailing dot).
   *
   * @throws IllegalArgumentException naming the text and the limit, if it is no DNS name
   */
  static Name parse(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      if (bytes(text) > MAX_BYTES) {
        throw new IllegalArgumentException(tooLong(text), e);
      }
      throw new IllegalArgumentException(
          "name: \"" + text + "\" (expected: a DNS name: " + e.getMessage() + ")", e);
    }
  }

  /** {@code prefix} under {@code suffix}, or {@code null} when that would exceed 255 bytes. */
  static Name under(Name prefix, Name suffix) {
    try {
      return Name.concatenate(prefix, suffix);
    } catch (NameTooLongException e) {
      return null;
    }
  }

  /** What to say of a name that does not fit 255 bytes. */
  static String tooLong(String text) {
    return "name: "
        + text
        + " is "
        + bytes(text)
        + " bytes (expected: at most "
        + MAX_BYTES
        + " bytes, the DNS limit; check the Service, namespace and cluster zone)";
  }

  /**
   * The bytes a name written as {@code text} takes in a message: one per label length, one root.
   */
  private static int bytes(String text) {
    String t = text.endsWith(".") ? text : text + ".";
    return t.length() + 1;
  }

  /** {@code a., b.} for messages. */
  static String list(List<Name> names) {
    return join(names, ", ");
  }

  /** {@code a. -> b.} for messages: a CNAME chain. */
  static String chain(List<Name> names) {
    return join(names, " -> ");
  }

  private static String join(List<Name> names, String separator) {
    List<String> s = new ArrayList<>();
    names.forEach(n -> s.add(n.toString()));
    return String.join(separator, s);
  }
}
