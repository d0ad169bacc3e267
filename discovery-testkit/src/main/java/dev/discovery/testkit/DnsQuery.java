package dev.discovery.testkit;

import java.util.Objects;

/**
 * One query {@link FakeDnsServer} received, for assertions: {@code
 * assertThat(dns.queries()).extracting(DnsQuery::name).contains("web.shop.svc.cluster.local")}.
 *
 * @param name the queried name as asked, without the trailing dot
 * @param type the type's mnemonic: {@code A}, {@code SRV}, ...
 * @param transport UDP or TCP
 * @param fault the fault injected into the answer, or {@code null}
 * @param rcode the answer's rcode mnemonic ({@code NOERROR}, {@code NXDOMAIN}, ...), or {@code
 *     null} when none was sent (dropped, malformed)
 * @param truncated whether the answer had the TC bit
 * @param answers how many answer records were sent
 * @since 0.1
 */
public record DnsQuery(
    String name,
    String type,
    Transport transport,
    DnsFault.Kind fault,
    String rcode,
    boolean truncated,
    int answers) {

  /** How the query came. */
  public enum Transport {
    UDP,
    TCP
  }

  public DnsQuery {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(transport, "transport");
  }
}
