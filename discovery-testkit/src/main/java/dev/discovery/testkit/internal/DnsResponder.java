package dev.discovery.testkit.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from {@link ClusterDnsData} as an authoritative server does (RFC 1034
 * §4.3.2, RFC 2308): records of the asked type; a CNAME followed within the data (and to the
 * "external hosts" a test declared, as CoreDNS would forward it); NOERROR with no answer (NODATA)
 * for a name that exists without that type, including empty non-terminals; NXDOMAIN for a name that
 * does not exist; the zone's SOA in the authority section of both negative answers; REFUSED outside
 * the zones (no recursion). Names match case-insensitively; answers keep the question's case. Pure:
 * sizing and truncation are the transport's.
 */
public final class DnsResponder {
  /** The largest UDP payload this server offers in EDNS (the DNS flag day 2020 value). */
  public static final int EDNS_PAYLOAD = 1232;

  private static final int MAX_CNAME_HOPS = 8;

  private DnsResponder() {}

  /**
   * The response to {@code query}.
   *
   * @param data the zones
   * @param externalHosts addresses of names outside the zones, or {@code null} for none
   */
  public static Message respond(
      Message query, ClusterDnsData data, Function<Name, List<InetAddress>> externalHosts) {
    Header qh = query.getHeader();
    Message r = new Message(qh.getID());
    Header h = r.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    Record question = query.getQuestion();
    if (question != null) {
      r.addRecord(question, Section.QUESTION);
    }
    OPTRecord opt = query.getOPT();
    if (opt != null) {
      boolean dnssecOk = (opt.getFlags() & ExtendedFlags.DO) != 0;
      if (opt.getVersion() > 0) {
        r.addRecord(new OPTRecord(EDNS_PAYLOAD, Rcode.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
        h.setRcode(Rcode.BADVERS & 0xF);
        return r;
      }
      r.addRecord(
          new OPTRecord(EDNS_PAYLOAD, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    }
    if (qh.getOpcode() != Opcode.QUERY) {
      h.setRcode(Rcode.NOTIMP);
      return r;
    }
    if (question == null || qh.getCount(Section.QUESTION) != 1) {
      h.setRcode(Rcode.FORMERR);
      return r;
    }
    int type = question.getType();
    int dclass = question.getDClass();
    if ((dclass != DClass.IN && dclass != DClass.ANY) || type == Type.AXFR || type == Type.IXFR) {
      h.setRcode(Rcode.REFUSED);
      return r;
    }
    Name qname = question.getName();
    if (data.zoneOf(qname) == null) {
      List<InetAddress> ext = externalHosts == null ? null : externalHosts.apply(qname);
      if (ext == null) {
        h.setRcode(Rcode.REFUSED);
        return r;
      }
      h.setFlag(Flags.RA);
      addExternal(r, qname, type, ext, data.ttl());
      return r;
    }
    h.setFlag(Flags.AA);
    answer(r, qname, type, data, externalHosts);
    return r;
  }

  private static void answer(
      Message r,
      Name qname,
      int type,
      ClusterDnsData data,
      Function<Name, List<InetAddress>> externalHosts) {
    Set<Name> seen = new HashSet<>();
    Name current = qname;
    for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      if (!seen.add(current)) {
        return; // a CNAME loop: what was found so far is the answer
      }
      Name zone = data.zoneOf(current);
      if (zone == null) {
        // Chased out of the zones: an upstream would answer; the test's external hosts play it.
        List<InetAddress> ext = externalHosts == null ? null : externalHosts.apply(current);
        if (ext != null) {
          addExternal(r, current, type, ext, data.ttl());
        }
        return;
      }
      Map<Integer, List<Record>> rrs = data.recordsAt(current);
      if (rrs == null) {
        if (!data.exists(current)) {
          r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        negative(r, data.soa(zone));
        return;
      }
      List<Record> cname = rrs.get(Type.CNAME);
      if (cname != null && type != Type.CNAME && type != Type.ANY) {
        Record c = cname.get(0).withName(current);
        r.addRecord(c, Section.ANSWER);
        current = ((CNAMERecord) c).getTarget();
        continue;
      }
      List<Record> found = new ArrayList<>();
      if (type == Type.ANY) {
        rrs.values().forEach(found::addAll);
      } else if (rrs.containsKey(type)) {
        found.addAll(rrs.get(type));
      }
      if (found.isEmpty()) {
        negative(r, data.soa(zone));
        return;
      }
      for (Record rec : found) {
        r.addRecord(rec.withName(current), Section.ANSWER);
      }
      addAdditional(r, found, data);
      return;
    }
  }

  private static void negative(Message r, SOARecord soa) {
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    r.addRecord(
        new SOARecord(
            soa.getName(),
            DClass.IN,
            ttl,
            soa.getHost(),
            soa.getAdmin(),
            soa.getSerial(),
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum()),
        Section.AUTHORITY);
  }

  private static void addAdditional(Message r, List<Record> answers, ClusterDnsData data) {
    Set<Name> added = new HashSet<>();
    for (Record rec : answers) {
      Name target = null;
      if (rec instanceof SRVRecord srv) {
        target = srv.getTarget();
      } else if (rec instanceof NSRecord ns) {
        target = ns.getTarget();
      }
      if (target == null || !added.add(target)) {
        continue;
      }
      Map<Integer, List<Record>> rrs = data.recordsAt(target);
      if (rrs == null) {
        continue;
      }
      for (int t : new int[] {Type.A, Type.AAAA}) {
        for (Record a : rrs.getOrDefault(t, List.of())) {
          r.addRecord(a, Section.ADDITIONAL);
        }
      }
    }
  }

  private static void addExternal(Message r, Name name, int type, List<InetAddress> ips, long ttl) {
    for (InetAddress ip : ips) {
      boolean v6 = ip instanceof Inet6Address;
      if (type == Type.ANY || type == (v6 ? Type.AAAA : Type.A)) {
        r.addRecord(
            v6 ? new AAAARecord(name, DClass.IN, ttl, ip) : new ARecord(name, DClass.IN, ttl, ip),
            Section.ANSWER);
      }
    }
  }
}
