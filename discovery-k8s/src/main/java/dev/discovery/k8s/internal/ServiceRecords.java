package dev.discovery.k8s.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.ServicePort;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What the records of the name that answered say about the Service: its endpoints, its kind and its
 * alias chain, asking the follow-up questions the records call for.
 *
 * <ul>
 *   <li>A CNAME chain: an ExternalName; one endpoint per address, the last name as hostname.
 *   <li>A port name: the SRV records {@code _<port>._tcp.<name>}. All pointing at the Service's own
 *       name, with one address: a ClusterIP and its Service port. Else a headless Service, one
 *       endpoint per record ({@link SrvEndpoints}).
 *   <li>A port number with several addresses: headless. With one: the PTR of the address tells a
 *       ClusterIP (the Service's name) from a one-pod headless Service (a name under it).
 * </ul>
 *
 * Used from the resolver's serialized context only.
 */
final class ServiceRecords {
  private static final Source SOURCE = Source.of("dns");

  private final KubernetesTarget target;
  private final DnsClient client;
  private final SrvEndpoints srvEndpoints;
  private final int maxEndpoints;
  private final Clock clock;

  ServiceRecords(KubernetesTarget target, DnsClient client, int maxEndpoints, Clock clock) {
    this.target = target;
    this.client = client;
    this.srvEndpoints = new SrvEndpoints(client);
    this.maxEndpoints = maxEndpoints;
    this.clock = clock;
  }

  /** The Service behind {@code hit}; fails with a {@link DnsException}. */
  CompletionStage<DnsOutcome> interpret(NameWalk.Hit hit) {
    Name name = hit.name();
    List<Record> addressRecords = new ArrayList<>(hit.v4().records());
    addressRecords.addAll(hit.v6().records());
    List<Name> chain =
        hit.v4().chain().size() >= hit.v6().chain().size() ? hit.v4().chain() : hit.v6().chain();
    if (addressRecords.isEmpty()) {
      Duration negative = Records.negativeTtl(hit.v4().response());
      return CompletableFuture.completedFuture(new DnsOutcome.Gone(false, List.of(name), negative));
    }
    if (addressRecords.size() > maxEndpoints) {
      return oversized(name, addressRecords.size());
    }
    long ttl = Records.minTtl(addressRecords, Long.MAX_VALUE);
    List<InetAddress> addresses = Records.addresses(addressRecords);
    if (chain.size() > 1) {
      return externalName(chain, addresses, ttl);
    }
    if (target.port() instanceof ServicePort.Name portName) {
      Name srvName;
      try {
        srvName = srvName(portName.value(), name);
      } catch (DnsException e) {
        return CompletableFuture.failedFuture(e);
      }
      boolean oneAddressEach = hit.v4().records().size() <= 1 && hit.v6().records().size() <= 1;
      return client
          .ask(srvName, Type.SRV)
          .thenCompose(srv -> withSrv(name, srvName, srv, addresses, oneAddressEach, ttl));
    }
    int port = ((ServicePort.Number) target.port()).value();
    if (hit.v4().records().size() > 1 || hit.v6().records().size() > 1) {
      return found(ServiceKind.HEADLESS, plain(addresses, port, null), List.of(), ttl);
    }
    return classifyByPtr(name, addresses.get(0))
        .thenApply(kind -> set(kind, plain(addresses, port, null), List.of(), ttl));
  }

  private CompletionStage<DnsOutcome> externalName(
      List<Name> chain, List<InetAddress> addresses, long ttl) {
    if (!(target.port() instanceof ServicePort.Number number)) {
      return CompletableFuture.failedFuture(
          new DnsException(
              ResolutionError.misconfigured(
                  target
                      + " is an ExternalName ("
                      + DnsNames.chain(chain)
                      + "), which has no named ports (expected: a port number, as in "
                      + target.withPort(null)
                      + ":443)")));
    }
    List<String> aliases = new ArrayList<>();
    chain.forEach(n -> aliases.add(n.toString(true)));
    String host = aliases.get(aliases.size() - 1);
    return found(ServiceKind.EXTERNAL_NAME, plain(addresses, number.value(), host), aliases, ttl);
  }

  private CompletionStage<DnsOutcome> withSrv(
      Name name,
      Name srvName,
      Message srv,
      List<InetAddress> addresses,
      boolean oneAddressEach,
      long ttl) {
    List<SRVRecord> records = new ArrayList<>();
    for (Record r : srv.getSection(Section.ANSWER)) {
      if (r instanceof SRVRecord s && r.getName().equals(srvName)) {
        records.add(s);
      }
    }
    if (srv.getRcode() != Rcode.NOERROR && srv.getRcode() != Rcode.NXDOMAIN) {
      return CompletableFuture.failedFuture(client.rcodeError(srv.getRcode(), srvName + " SRV"));
    }
    if (records.isEmpty()) {
      return CompletableFuture.failedFuture(
          new DnsException(
              ResolutionError.misconfigured(
                  "port \""
                      + ((ServicePort.Name) target.port()).value()
                      + "\" of "
                      + target
                      + ": no SRV record "
                      + srvName
                      + " ("
                      + (srv.getRcode() == Rcode.NXDOMAIN ? "NXDOMAIN" : "no answer")
                      + ") and no port number in the target; tried both (expected: a port name"
                      + " the Service defines, or a port number)")));
    }
    if (records.size() > maxEndpoints) {
      return oversized(srvName, records.size());
    }
    long srvTtl = Records.minTtl(records, ttl);
    boolean allToService = records.stream().allMatch(s -> s.getTarget().equals(name));
    if (allToService && oneAddressEach) {
      int port = records.get(0).getPort();
      return found(ServiceKind.CLUSTER_IP, plain(addresses, port, null), List.of(), srvTtl);
    }
    return srvEndpoints
        .endpoints(srv, records, addresses)
        .thenApply(endpoints -> set(ServiceKind.HEADLESS, endpoints, List.of(), srvTtl));
  }

  /** One address: the PTR says whether it is the Service's (ClusterIP) or a pod's (headless). */
  private CompletionStage<ServiceKind> classifyByPtr(Name name, InetAddress address) {
    Name reverse = ReverseMap.fromAddress(address);
    return client
        .ask(reverse, Type.PTR)
        .handle(
            (response, error) -> {
              if (error != null || response.getRcode() != Rcode.NOERROR) {
                return ServiceKind.UNKNOWN;
              }
              for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof PTRRecord ptr) {
                  if (ptr.getTarget().equals(name)) {
                    return ServiceKind.CLUSTER_IP;
                  }
                  if (ptr.getTarget().subdomain(name)) {
                    return ServiceKind.HEADLESS;
                  }
                }
              }
              return ServiceKind.UNKNOWN;
            });
  }

  private CompletionStage<DnsOutcome> oversized(Name name, int count) {
    return CompletableFuture.failedFuture(
        new DnsException(
            ResolutionError.invalidAnswer(
                "the answer for "
                    + name
                    + " holds "
                    + count
                    + " records (expected: at most "
                    + maxEndpoints
                    + "; raise DnsResolverProvider.builder().maxEndpoints(...) if that is"
                    + " intended)")));
  }

  /** One endpoint per distinct address, all on {@code port}. */
  private static List<Endpoint> plain(List<InetAddress> addresses, int port, String hostname) {
    List<Endpoint> out = new ArrayList<>();
    Set<InetAddress> seen = new HashSet<>();
    for (InetAddress ip : addresses) {
      if (seen.add(ip)) {
        out.add(Endpoint.builder(ip, port).hostname(hostname).build());
      }
    }
    return out;
  }

  private CompletionStage<DnsOutcome> found(
      ServiceKind kind, List<Endpoint> endpoints, List<String> aliases, long ttl) {
    return CompletableFuture.completedFuture(set(kind, endpoints, aliases, ttl));
  }

  private DnsOutcome set(
      ServiceKind kind, List<Endpoint> endpoints, List<String> aliases, long ttl) {
    return new DnsOutcome.Found(
        EndpointSet.builder(kind, SOURCE)
            .addAll(endpoints)
            .aliases(aliases)
            .resolvedAt(clock.instant())
            .ttl(Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl))
            .build());
  }

  /** {@code _<port>._tcp.<service>}, or the error of a name longer than DNS allows. */
  private static Name srvName(String portName, Name service) throws DnsException {
    String text = "_" + portName + "._tcp." + service;
    try {
      return Name.concatenate(Name.fromString("_" + portName + "._tcp"), service);
    } catch (NameTooLongException e) {
      throw new DnsException(ResolutionError.misconfigured(DnsNames.tooLong(text)));
    } catch (TextParseException e) {
      throw new DnsException(
          ResolutionError.misconfigured(
              "port name: \"" + portName + "\" (expected: a DNS label: " + e.getMessage() + ")"));
    }
  }
}
