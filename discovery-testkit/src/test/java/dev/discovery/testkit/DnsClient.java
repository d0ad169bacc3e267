package dev.discovery.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Queries a DNS server on loopback with dnsjava's SimpleResolver, for tests. */
final class DnsClient {
  /** How a query is sent. */
  enum Mode {
    /** UDP without EDNS (512-byte answers), TC answers returned as they are. */
    UDP,
    /** UDP with EDNS payload 1232, TC answers returned as they are. */
    UDP_EDNS,
    /** TCP. */
    TCP,
    /** UDP with EDNS, retrying over TCP on TC (what dnsjava does by default). */
    AUTO
  }

  private final InetSocketAddress server;
  private final Duration timeout;

  DnsClient(InetSocketAddress server) {
    this(server, Duration.ofSeconds(5));
  }

  DnsClient(InetSocketAddress server, Duration timeout) {
    this.server = server;
    this.timeout = timeout;
  }

  Message query(String name, int type) throws IOException {
    return query(name, type, Mode.AUTO);
  }

  Message query(String name, int type, Mode mode) throws IOException {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(timeout);
    switch (mode) {
      case UDP -> {
        resolver.setIgnoreTruncation(true);
        resolver.setEDNS(-1, 0, 0, List.of()); // SimpleResolver sends EDNS unless told not to
      }
      case UDP_EDNS -> {
        resolver.setIgnoreTruncation(true);
        resolver.setEDNS(0, 1232, 0, List.of());
      }
      case TCP -> resolver.setTCP(true);
      case AUTO -> resolver.setEDNS(0, 1232, 0, List.of());
    }
    Record question =
        Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN);
    return resolver.send(Message.newQuery(question));
  }

  /**
   * The answer records' data as dnsjava prints it, such as {@code 127.0.1.1} or {@code 0 50 ...}.
   */
  static List<String> rdata(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }

  /** {@code TYPE rdata} of each answer record, lower case. */
  static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream()
        .map(r -> (Type.string(r.getType()) + " " + r.rdataToString()).toLowerCase(Locale.ROOT))
        .toList();
  }
}
