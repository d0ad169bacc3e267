package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterSnapshot;
import dev.discovery.testkit.ZoneFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Keeps an authoritative server's zones equal to a cluster's DNS records ({@link ClusterDnsData}):
 * first as zone files to load, then by RFC 2136 dynamic updates (dnsjava's {@link Update}, over
 * TCP) that carry only the difference from what was published before. Not thread-safe: its owner's
 * lock guards it.
 */
public final class BindZoneSync {
  private static final int UPDATE_BATCH = 500;

  private final long ttl;
  private final InetAddress nameserver;
  private Map<Name, Set<Record>> published = Map.of();

  /**
   * @param ttl the TTL of every record, in seconds
   * @param nameserver the address of {@code ns.dns.<zone>}
   */
  public BindZoneSync(long ttl, InetAddress nameserver) {
    this.ttl = ttl;
    this.nameserver = nameserver;
  }

  /** Writes the zone files of {@code snapshot} into {@code directory}, as what is published. */
  public void writeZoneFiles(ClusterSnapshot snapshot, Path directory) {
    for (ZoneFile zone : ZoneFile.of(snapshot, Duration.ofSeconds(ttl), nameserver)) {
      zone.writeTo(directory);
    }
    published = records(snapshot);
  }

  /**
   * Sends {@code server} the updates that turn what is published into the records of {@code
   * snapshot}.
   *
   * @param serverLog the server's log, for messages
   * @throws IllegalStateException if the server does not answer an update or refuses it
   */
  public void sync(ClusterSnapshot snapshot, InetSocketAddress server, Supplier<String> serverLog) {
    Map<Name, Set<Record>> target = records(snapshot);
    for (Map.Entry<Name, Set<Record>> zone : target.entrySet()) {
      Set<Record> before = published.getOrDefault(zone.getKey(), Set.of());
      List<Record> removed = new ArrayList<>();
      for (Record r : before) {
        if (!zone.getValue().contains(r)) {
          removed.add(r);
        }
      }
      List<Record> added = new ArrayList<>();
      for (Record r : zone.getValue()) {
        if (!before.contains(r)) {
          added.add(r);
        }
      }
      sendUpdates(zone.getKey(), removed, added, server, serverLog);
    }
    published = target;
  }

  private static void sendUpdates(
      Name zone,
      List<Record> removed,
      List<Record> added,
      InetSocketAddress server,
      Supplier<String> serverLog) {
    // Deletions first: a name may turn from A records into a CNAME within one sync.
    List<Record[]> operations = new ArrayList<>();
    removed.forEach(r -> operations.add(new Record[] {r, null}));
    added.forEach(r -> operations.add(new Record[] {null, r}));
    for (int from = 0; from < operations.size(); from += UPDATE_BATCH) {
      Update update = new Update(zone);
      for (Record[] op :
          operations.subList(from, Math.min(operations.size(), from + UPDATE_BATCH))) {
        if (op[0] != null) {
          update.delete(op[0]);
        } else {
          update.add(op[1]);
        }
      }
      Message response;
      try {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(10));
        response = resolver.send(update);
      } catch (IOException e) {
        throw new IllegalStateException(
            "BIND update of "
                + zone
                + " failed: "
                + e
                + " (expected: an answer); log:\n"
                + serverLog.get(),
            e);
      }
      if (response.getRcode() != Rcode.NOERROR) {
        throw new IllegalStateException(
            "BIND update of "
                + zone
                + ": "
                + Rcode.string(response.getRcode())
                + " (expected: NOERROR); log:\n"
                + serverLog.get());
      }
    }
  }

  private Map<Name, Set<Record>> records(ClusterSnapshot snapshot) {
    ClusterDnsData data = ClusterDnsData.of(snapshot, ttl, nameserver);
    Map<Name, Set<Record>> out = new LinkedHashMap<>();
    for (Name origin : data.origins()) {
      Set<Record> set = new LinkedHashSet<>();
      for (Record r : data.zoneRecords(origin)) {
        if (r.getType() != Type.SOA) {
          set.add(r);
        }
      }
      out.put(origin, set);
    }
    return out;
  }
}
