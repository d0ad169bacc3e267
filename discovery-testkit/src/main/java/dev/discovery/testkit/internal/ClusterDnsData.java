package dev.discovery.testkit.internal;

import dev.discovery.spi.IpAddresses;
import dev.discovery.testkit.ClusterSnapshot;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.ServiceType;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS records a cluster publishes, per the Kubernetes DNS specification (schema 1.1.0) and
 * CoreDNS: one immutable set of zones (the cluster zone, {@code in-addr.arpa.} and {@code
 * ip6.arpa.}) built from one {@link ClusterSnapshot}. Both the fake DNS server and the BIND zone
 * files are made from it, so they publish the same records.
 *
 * <ul>
 *   <li>{@code dns-version.<zone>. TXT "1.1.0"}; SOA and NS at each apex, {@code ns.dns.<zone>.}
 *       with the server's address.
 *   <li>A Service with ClusterIPs (ClusterIP, NodePort, LoadBalancer): {@code
 *       <svc>.<ns>.svc.<zone>.} A/AAAA per ClusterIP; per named port {@code
 *       _<port>._<proto>.<svc>.<ns>.svc.<zone>. SRV 0 100 <port> <svc>.<ns>.svc.<zone>.}; PTR from
 *       each ClusterIP.
 *   <li>A headless Service, per ready endpoint: A/AAAA at the Service name and at {@code
 *       <hostname>.<svc>...} (the hostname, else the dashed IP such as {@code 10-1-2-3}); SRV per
 *       named endpoint port to {@code <hostname>.<svc>...} with the endpoint's port, priority 0,
 *       weight {@code max(1, 100 / N)}; PTR from the endpoint IP to {@code <hostname>.<svc>...}.
 *   <li>An ExternalName Service: {@code <svc>.<ns>.svc.<zone>. CNAME <externalName>.}
 * </ul>
 */
public final class ClusterDnsData {
  /** The Kubernetes DNS schema version served at {@code dns-version.<zone>}. */
  public static final String SCHEMA_VERSION = "1.1.0";

  private static final long REFRESH = 7200;
  private static final long RETRY = 1800;
  private static final long EXPIRE = 86400;

  private final Name clusterZone;
  private final long ttl;
  private final long serial;
  private final Map<Name, SOARecord> soas = new LinkedHashMap<>();
  // While building: records by name and type, without repeats. Then frozen into lists.
  private final NavigableMap<Name, Map<Integer, Set<Record>>> building = new TreeMap<>();
  private NavigableMap<Name, Map<Integer, List<Record>>> records;
  private final NavigableSet<Name> existing = new TreeSet<>();

  private ClusterDnsData(Name clusterZone, long ttl, long serial) {
    this.clusterZone = clusterZone;
    this.ttl = ttl;
    this.serial = serial;
  }

  /**
   * The records of {@code snapshot}, with {@code ttlSeconds} on each, and {@code nameserver} as the
   * address of {@code ns.dns.<zone>}.
   */
  public static ClusterDnsData of(
      ClusterSnapshot snapshot, long ttlSeconds, InetAddress nameserver) {
    Name zone = name(snapshot.zone() + ".");
    ClusterDnsData d =
        new ClusterDnsData(zone, ttlSeconds, snapshot.resourceVersion() & 0xFFFF_FFFFL);
    Name ns = name("ns.dns." + snapshot.zone() + ".");
    for (String zoneName : zoneNames(snapshot.zone())) {
      Name origin = name(zoneName);
      SOARecord soa =
          new SOARecord(
              origin,
              DClass.IN,
              ttlSeconds,
              ns,
              name("hostmaster." + snapshot.zone() + "."),
              d.serial,
              REFRESH,
              RETRY,
              EXPIRE,
              ttlSeconds);
      d.soas.put(origin, soa);
      d.add(soa);
      d.add(new NSRecord(origin, DClass.IN, ttlSeconds, ns));
    }
    d.add(address(ns, ttlSeconds, nameserver));
    d.add(
        new TXTRecord(
            name("dns-version." + snapshot.zone() + "."), DClass.IN, ttlSeconds, SCHEMA_VERSION));
    Map<List<String>, List<EndpointSlice>> slicesByService = new HashMap<>();
    for (EndpointSlice slice : snapshot.endpointSlices()) {
      slicesByService
          .computeIfAbsent(List.of(slice.namespace(), slice.serviceName()), k -> new ArrayList<>())
          .add(slice);
    }
    for (Service s : snapshot.services()) {
      Name svc = name(s.dnsName(snapshot.zone()) + ".");
      if (s.type() == ServiceType.EXTERNAL_NAME) {
        d.add(new CNAMERecord(svc, DClass.IN, ttlSeconds, name(s.externalName() + ".")));
      } else if (s.headless()) {
        d.addHeadless(
            s, svc, slicesByService.getOrDefault(List.of(s.namespace(), s.name()), List.of()));
      } else {
        d.addClusterIp(s, svc);
      }
    }
    d.freeze();
    return d;
  }

  /** Turns the sets built into immutable lists, so each query reads them without copying. */
  private void freeze() {
    NavigableMap<Name, Map<Integer, List<Record>>> frozen = new TreeMap<>();
    building.forEach(
        (name, byType) -> {
          Map<Integer, List<Record>> lists = new TreeMap<>();
          byType.forEach((type, set) -> lists.put(type, List.copyOf(set)));
          frozen.put(name, Collections.unmodifiableMap(lists));
        });
    building.clear();
    records = Collections.unmodifiableNavigableMap(frozen);
  }

  /** The zones served for cluster zone {@code zone}: it, {@code in-addr.arpa}, {@code ip6.arpa}. */
  public static List<String> zoneNames(String zone) {
    return List.of(zone, "in-addr.arpa", "ip6.arpa");
  }

  private void addClusterIp(Service s, Name svc) {
    for (InetAddress ip : s.clusterIps()) {
      add(address(svc, ttl, ip));
      add(new PTRRecord(ReverseMap.fromAddress(ip), DClass.IN, ttl, svc));
    }
    for (Service.Port p : s.ports()) {
      if (p.name() != null) {
        add(new SRVRecord(name(p.srvPrefix() + "." + svc), DClass.IN, ttl, 0, 100, p.port(), svc));
      }
    }
  }

  private void addHeadless(Service s, Name svc, List<EndpointSlice> slices) {
    Map<Name, Set<SrvTarget>> srv = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        if (!e.ready()) {
          continue;
        }
        Name host = name(hostLabel(e) + "." + svc);
        add(address(svc, ttl, e.address()));
        add(address(host, ttl, e.address()));
        add(new PTRRecord(ReverseMap.fromAddress(e.address()), DClass.IN, ttl, host));
        for (EndpointSlice.Port p : slice.ports()) {
          if (p.name() != null) {
            Name owner = name("_" + p.name() + "." + p.protocol().srvLabel() + "." + svc);
            srv.computeIfAbsent(owner, k -> new LinkedHashSet<>())
                .add(new SrvTarget(host, p.port()));
          }
        }
      }
    }
    for (Map.Entry<Name, Set<SrvTarget>> e : srv.entrySet()) {
      int weight = Math.max(1, 100 / e.getValue().size());
      for (SrvTarget t : e.getValue()) {
        add(new SRVRecord(e.getKey(), DClass.IN, ttl, 0, weight, t.port(), t.host()));
      }
    }
  }

  private record SrvTarget(Name host, int port) {}

  /** The endpoint's DNS label: its hostname, else its IP with '.' or ':' as '-' (CoreDNS). */
  public static String hostLabel(EndpointSlice.Endpoint e) {
    if (e.hostname() != null) {
      return e.hostname();
    }
    if (e.address() instanceof Inet6Address) {
      String dashed = IpAddresses.format(e.address()).replace(':', '-');
      return dashed.endsWith("-") ? dashed + "0" : dashed;
    }
    return e.address().getHostAddress().replace('.', '-');
  }

  private void add(Record r) {
    Name owner = r.getName();
    building
        .computeIfAbsent(owner, k -> new TreeMap<>())
        .computeIfAbsent(r.getType(), k -> new LinkedHashSet<>())
        .add(r);
    Name origin = zoneOf(owner);
    for (Name n = owner; n != null; n = parent(n)) {
      existing.add(n);
      if (n.equals(origin)) {
        break;
      }
    }
  }

  private static Name parent(Name n) {
    return n.labels() <= 1 ? null : new Name(n, 1);
  }

  private static Record address(Name owner, long ttl, InetAddress ip) {
    return ip instanceof Inet6Address
        ? new AAAARecord(owner, DClass.IN, ttl, ip)
        : new ARecord(owner, DClass.IN, ttl, ip);
  }

  /** The cluster zone's origin, such as {@code cluster.local.}. */
  public Name clusterZone() {
    return clusterZone;
  }

  /** The zones served, cluster zone first. */
  public List<Name> origins() {
    return List.copyOf(soas.keySet());
  }

  /** The zone {@code name} falls in (the longest matching origin), or {@code null}. */
  public Name zoneOf(Name name) {
    Name best = null;
    for (Name origin : soas.keySet()) {
      if (name.subdomain(origin) && (best == null || origin.labels() > best.labels())) {
        best = origin;
      }
    }
    return best;
  }

  /** The SOA of zone {@code origin}. */
  public SOARecord soa(Name origin) {
    return soas.get(origin);
  }

  /** The records at {@code name} by type, or {@code null} when it owns none. */
  public Map<Integer, List<Record>> recordsAt(Name name) {
    return records.get(name);
  }

  /** Whether {@code name} owns records or has a descendant that does (an empty non-terminal). */
  public boolean exists(Name name) {
    return existing.contains(name);
  }

  /** Every record of zone {@code origin}, SOA first, then in canonical name order. */
  public List<Record> zoneRecords(Name origin) {
    List<Record> out = new ArrayList<>();
    out.add(soas.get(origin));
    for (Map.Entry<Name, Map<Integer, List<Record>>> e : records.entrySet()) {
      if (!origin.equals(zoneOf(e.getKey()))) {
        continue;
      }
      for (List<Record> list : e.getValue().values()) {
        for (Record r : list) {
          if (r.getType() != Type.SOA) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  /** The TTL of every record. */
  public long ttl() {
    return ttl;
  }

  /** The SOA serial (the snapshot's resource version). */
  public long serial() {
    return serial;
  }

  /** {@code text} as an absolute name. */
  public static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("DNS name: \"" + text + "\" (expected: a valid name)", e);
    }
  }
}
