package dev.discovery.k8s.internal;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/** Writing lists of DNS names into messages. */
final class DnsNames {
  private DnsNames() {}

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
