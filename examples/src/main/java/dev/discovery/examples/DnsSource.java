package dev.discovery.examples;

import dev.discovery.api.Discovery;
import dev.discovery.k8s.DnsResolverProvider;
import java.net.InetSocketAddress;
import java.time.Duration;

/** docs/kubernetes-dns.md: a {@link Discovery} with a DNS source configured. */
public final class DnsSource {
  private DnsSource() {}

  // snippet:dns-provider
  static Discovery discovery(InetSocketAddress dnsServer) { // dnsServer: 10.96.0.10:53
    return Discovery.builder()
        .provider(
            DnsResolverProvider.builder()
                .server(dnsServer) // default: resolv.conf's nameservers, in order
                .namespace("shop") // for targets that name none, as in k8s:///web:grpc
                .clusterDomain("cluster.local") // default: from resolv.conf's search list
                .minRefresh(Duration.ofSeconds(2)) // resolve again at most this often,
                .maxRefresh(Duration.ofSeconds(30)) // and at least this often
                .build())
        .build();
  }
  // end-snippet
}
