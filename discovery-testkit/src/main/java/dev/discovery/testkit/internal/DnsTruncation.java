package dev.discovery.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Fits a response into the size its transport allows, as CoreDNS does (its replies go through
 * miekg/dns's {@code Msg.Truncate}): a response that fits is sent whole; one that does not carries
 * as many records as fit, in message order (answer, then authority, then additional; an RRset may
 * be cut), keeps its OPT record, and has the TC bit set because records were left out. The size is
 * the transport's: 512 bytes over UDP, or the EDNS payload size; 65535 over TCP, the most one
 * message holds.
 *
 * <p>dnsjava's own {@code Message.toWire(int)} drops whole RRsets instead, so a headless Service
 * whose A records exceed 65535 bytes would be answered over TCP with no record at all.
 */
public final class DnsTruncation {
  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  private DnsTruncation() {}

  /** {@code response} in wire format, at most {@code size} bytes (at least 512). */
  public static byte[] toWire(Message response, int size) {
    byte[] whole = response.toWire();
    if (whole.length <= size) {
      return whole;
    }
    List<List<Record>> sections = new ArrayList<>();
    int total = 0;
    for (int section : SECTIONS) {
      List<Record> records = new ArrayList<>(response.getSection(section));
      records.removeIf(r -> r instanceof OPTRecord);
      sections.add(records);
      total += records.size();
    }
    // The longest prefix of the records that fits: lengths only grow with the prefix.
    int fits = 0;
    byte[] best = render(response, sections, 0);
    int tooMany = total;
    while (tooMany - fits > 1) {
      int middle = (fits + tooMany) >>> 1;
      byte[] wire = render(response, sections, middle);
      if (wire.length <= size) {
        fits = middle;
        best = wire;
      } else {
        tooMany = middle;
      }
    }
    return best;
  }

  /** {@code response} with the first {@code count} records of its sections and the TC bit. */
  private static byte[] render(Message response, List<List<Record>> sections, int count) {
    Message m = response.clone();
    OPTRecord opt = response.getOPT();
    for (int section : SECTIONS) {
      m.removeAllRecords(section);
    }
    int left = count;
    for (int i = 0; i < SECTIONS.length && left > 0; i++) {
      List<Record> records = sections.get(i);
      for (int j = 0; j < records.size() && left > 0; j++, left--) {
        m.addRecord(records.get(j), SECTIONS[i]);
      }
    }
    if (opt != null) {
      m.addRecord(opt, Section.ADDITIONAL);
    }
    m.getHeader().setFlag(Flags.TC);
    return m.toWire();
  }
}
