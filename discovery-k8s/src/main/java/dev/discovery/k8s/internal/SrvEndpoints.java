package dev.discovery.k8s.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.spi.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A headless Service's endpoints from its SRV records: one per SRV record, with the target's
 * address, the record's port and the target's first label as hostname. Addresses come from the
 * answer's additional section, from a dashed-IP target name among the Service's own addresses, or
 * from asking for the target (a few at a time).
 */
final class SrvEndpoints {
  /** SRV targets asked for at once when the answer left their addresses out. */
  private static final int LOOKUP_BATCH = 16;

  private final DnsClient client;

  SrvEndpoints(DnsClient client) {
    this.client = client;
  }

  /**
   * The endpoints of {@code records}, found in {@code srv} (the answer that held them).
   *
   * @param serviceAddresses the Service name's own A and AAAA addresses
   */
  CompletionStage<List<Endpoint>> endpoints(
      Message srv, List<SRVRecord> records, List<InetAddress> serviceAddresses) {
    Map<Name, List<InetAddress>> byTarget = new LinkedHashMap<>();
    for (Record r : srv.getSection(Section.ADDITIONAL)) {
      if (r instanceof ARecord || r instanceof AAAARecord) {
        byTarget.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(Records.address(r));
      }
    }
    List<Name> missing = new ArrayList<>();
    for (SRVRecord s : records) {
      if (!byTarget.containsKey(s.getTarget())) {
        InetAddress dashed = dashedAddress(s.getTarget());
        if (dashed != null && serviceAddresses.contains(dashed)) {
          byTarget.put(s.getTarget(), List.of(dashed));
        } else if (!missing.contains(s.getTarget())) {
          missing.add(s.getTarget());
        }
      }
    }
    return lookup(missing, 0, byTarget)
        .thenApply(
            resolved -> {
              Map<InetSocketAddress, Endpoint> endpoints = new LinkedHashMap<>();
              for (SRVRecord s : records) {
                String hostname = s.getTarget().getLabelString(0);
                for (InetAddress ip : resolved.getOrDefault(s.getTarget(), List.of())) {
                  // SRV priority and weight are left out: Kubernetes derives the weight from the
                  // endpoint count, so keeping it would make every scale change every endpoint.
                  Endpoint e = Endpoint.builder(ip, s.getPort()).hostname(hostname).build();
                  endpoints.putIfAbsent(e.address(), e);
                }
              }
              return List.copyOf(endpoints.values());
            });
  }

  /** Asks for the addresses of SRV targets the answer left without, a batch at a time. */
  private CompletionStage<Map<Name, List<InetAddress>>> lookup(
      List<Name> missing, int from, Map<Name, List<InetAddress>> into) {
    if (from >= missing.size()) {
      return CompletableFuture.completedFuture(into);
    }
    int to = Math.min(missing.size(), from + LOOKUP_BATCH);
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    for (Name n : missing.subList(from, to)) {
      CompletionStage<DnsClient.Chased> a = client.chase(n, Type.A);
      CompletionStage<DnsClient.Chased> aaaa = client.chase(n, Type.AAAA);
      batch.add(
          a.thenCombine(
                  aaaa,
                  (x, y) -> {
                    List<InetAddress> ips = Records.addresses(x.records());
                    ips.addAll(Records.addresses(y.records()));
                    into.put(n, ips);
                    return (Void) null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0]))
        .thenCompose(v -> lookup(missing, to, into));
  }

  /**
   * The address in a dashed-IP hostname ({@code 10-1-2-3.web...}, {@code fd00--1.web...}: how
   * Kubernetes DNS names a pod without a hostname), if the first label is one.
   */
  private static InetAddress dashedAddress(Name target) {
    String label = target.getLabelString(0);
    InetAddress v4 = IpAddresses.parseLiteral(label.replace('-', '.'));
    return v4 != null ? v4 : IpAddresses.parseLiteral(label.replace('-', ':'));
  }
}
