package dev.discovery.k8s.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** What the DNS source reads off records: addresses and TTLs. */
final class Records {
  private Records() {}

  /** The address of an A or AAAA record. */
  static InetAddress address(Record r) {
    if (r instanceof ARecord a) {
      return a.getAddress();
    }
    if (r instanceof AAAARecord a) {
      return a.getAddress();
    }
    throw new IllegalArgumentException("record: " + r + " (expected: an A or AAAA record)");
  }

  /** The addresses of A and AAAA records, in order. */
  static List<InetAddress> addresses(List<Record> records) {
    List<InetAddress> out = new ArrayList<>();
    records.forEach(r -> out.add(address(r)));
    return out;
  }

  /** The smallest TTL of {@code records} and {@code start}, in seconds. */
  static long minTtl(List<? extends Record> records, long start) {
    long ttl = start;
    for (Record r : records) {
      ttl = Math.min(ttl, r.getTTL());
    }
    return ttl;
  }

  /** How long a negative answer may be remembered (RFC 2308 §5), or {@code null} without SOA. */
  static Duration negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
      }
    }
    return null;
  }
}
