package dev.discovery.testkit;

import dev.discovery.testkit.internal.ClusterDnsData;
import dev.discovery.testkit.internal.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A master file (RFC 1035 §5) of a cluster's DNS records, for BIND or any authoritative server: the
 * same records {@link FakeDnsServer} answers with (see there), in three zones: the cluster zone,
 * {@code in-addr.arpa.} and {@code ip6.arpa.}. The NS of each is {@code ns.dns.<zone>.}, whose
 * address is given.
 *
 * <pre>{@code
 * for (ZoneFile zone : ZoneFile.of(cluster.snapshot(), Duration.ofSeconds(5), loopback)) {
 *   zone.writeTo(directory); // cluster.local.zone, in-addr.arpa.zone, ip6.arpa.zone
 * }
 * }</pre>
 *
 * @param origin the zone's origin without the trailing dot, such as {@code cluster.local}
 * @param text the master file
 * @since 0.1
 */
public record ZoneFile(String origin, String text) {

  public ZoneFile {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(text, "text");
  }

  /**
   * The zone files of {@code snapshot}: its zone first, then the reverse zones.
   *
   * @param ttl the TTL of every record (whole seconds)
   * @param nameserver the address of {@code ns.dns.<zone>.}
   */
  public static List<ZoneFile> of(ClusterSnapshot snapshot, Duration ttl, InetAddress nameserver) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(nameserver, "nameserver");
    ClusterDnsData data = ClusterDnsData.of(snapshot, Validation.ttlSeconds(ttl), nameserver);
    List<ZoneFile> files = new ArrayList<>();
    for (Name origin : data.origins()) {
      StringBuilder b = new StringBuilder();
      b.append("; Kubernetes DNS (schema ")
          .append(ClusterDnsData.SCHEMA_VERSION)
          .append(") of a FakeCluster at resource version ")
          .append(snapshot.resourceVersion())
          .append('\n');
      b.append("$ORIGIN ").append(origin).append('\n');
      b.append("$TTL ").append(ttl.getSeconds()).append('\n');
      for (Record r : data.zoneRecords(origin)) {
        b.append(r).append('\n');
      }
      String text = origin.toString();
      files.add(new ZoneFile(text.substring(0, text.length() - 1), b.toString()));
    }
    return List.copyOf(files);
  }

  /** {@code <origin>.zone}, such as {@code cluster.local.zone}. */
  public String fileName() {
    return origin + ".zone";
  }

  /** Writes {@link #fileName()} into {@code directory}; returns its path. */
  public Path writeTo(Path directory) {
    Path file = directory.resolve(fileName());
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("zone file " + file + " could not be written", e);
    }
    return file;
  }
}
