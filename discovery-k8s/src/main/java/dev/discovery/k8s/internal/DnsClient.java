package dev.discovery.k8s.internal;

import dev.discovery.api.ResolutionError;
import dev.discovery.spi.IpAddresses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Asynchronous DNS questions to the configured servers (in order, the next one when a server does
 * not answer), with dnsjava's wire format and its TCP retry of truncated answers. An answer still
 * truncated over TCP (the TC bit set: it did not fit one 65,535-byte message, as for a headless
 * Service of more than about 4,000 pods asked by port number, 1,100 by port name) is an error, not
 * an answer: its records are a part, or none, of the RRset. No cache and no hosts file: every
 * question goes to a server. Results complete on the given executor; failures are {@link
 * DnsException}s.
 */
final class DnsClient {
  /** Links of a CNAME chain followed at most. */
  static final int MAX_CNAME_CHAIN = 8;

  private final List<SimpleResolver> resolvers = new ArrayList<>();
  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final Executor executor;

  DnsClient(List<InetSocketAddress> servers, Duration timeout, Executor executor) {
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    this.executor = executor;
    for (InetSocketAddress server : servers) {
      SimpleResolver r = new SimpleResolver(server);
      r.setTimeout(timeout);
      r.setEDNS(0, 1232, 0, List.of()); // a payload size that avoids fragmentation
      resolvers.add(r);
    }
  }

  List<InetSocketAddress> servers() {
    return servers;
  }

  /** The servers for messages: {@code 127.0.0.1:53} or {@code 127.0.0.1:53, 10.0.0.10:53}. */
  String describeServers() {
    List<String> s = new ArrayList<>();
    for (InetSocketAddress a : servers) {
      s.add(IpAddresses.formatHost(a.getAddress()) + ":" + a.getPort());
    }
    return String.join(", ", s);
  }

  /** One question, answered by the first server that answers at all (any rcode). */
  CompletionStage<Message> ask(Name name, int type) {
    Message query;
    try {
      query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    } catch (RuntimeException e) {
      return failed(
          ResolutionError.misconfigured(
              "cannot ask for " + name + " " + Type.string(type) + ": " + e.getMessage()));
    }
    return ask(query, 0, null);
  }

  private CompletionStage<Message> ask(Message query, int index, DnsException previous) {
    if (index >= resolvers.size()) {
      CompletableFuture<Message> failed = new CompletableFuture<>();
      failed.completeExceptionally(
          previous != null
              ? previous
              : new DnsException(
                  ResolutionError.misconfigured(
                      "no DNS server to ask: resolv.conf lists none (expected: a nameserver line,"
                          + " a server in the target such as k8s+dns://10.96.0.10/..., or one set"
                          + " on DnsResolverProvider.builder().server(...))")));
      return failed;
    }
    SimpleResolver r = resolvers.get(index);
    Message copy = query.clone();
    return r.sendAsync(copy, executor)
        .handle(
            (response, error) -> {
              if (error == null
                  && response.getHeader().getFlag(Flags.TC)
                  && !answerSectionWhole(response)) {
                // dnsjava retries a truncated UDP answer over TCP: this one came over TCP.
                return CompletableFuture.<Message>failedFuture(truncated(r.getAddress(), query));
              }
              if (error == null) {
                return CompletableFuture.completedFuture(response);
              }
              DnsException e = describe(error, r.getAddress(), query);
              if (e.error().kind() == ResolutionError.Kind.INVALID_ANSWER) {
                return CompletableFuture.<Message>failedFuture(e);
              }
              return ask(query, index + 1, e).toCompletableFuture();
            })
        .thenCompose(f -> f);
  }

  /**
   * Whether a truncated answer still holds its whole answer section: servers cut from the end
   * (additional, then authority, then answer: CoreDNS through miekg/dns {@code Msg.Truncate}), so a
   * record kept after the answer section means none of it was cut. CoreDNS sets TC even when only
   * additional records were left out (an SRV answer whose targets' addresses do not all fit); those
   * answers are whole, and the missing addresses are asked for.
   */
  static boolean answerSectionWhole(Message response) {
    if (!response.getSection(Section.AUTHORITY).isEmpty()) {
      return true;
    }
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (!(r instanceof OPTRecord)) {
        return true;
      }
    }
    return false;
  }

  private static DnsException truncated(InetSocketAddress server, Message query) {
    return new DnsException(
        ResolutionError.invalidAnswer(
            who(server)
                + " answered "
                + what(query)
                + " truncated over TCP: the records do not fit one DNS message of 65,535 bytes"
                + " (expected: a Service small enough for DNS; use the Kubernetes API source,"
                + " k8s+api, for one this large)"));
  }

  /**
   * The error of an answer with {@code rcode} (not NOERROR or NXDOMAIN) for {@code what}: REFUSED
   * says the server does not serve the name; SERVFAIL and the rest that it is failing.
   */
  DnsException rcodeError(int rcode, String what) {
    String who = "DNS server " + describeServers();
    if (rcode == Rcode.REFUSED) {
      return new DnsException(
          ResolutionError.unavailable(
              who
                  + " refused "
                  + what
                  + " (expected: the cluster DNS server, which answers for the cluster zone and"
                  + " forwards other names)"));
    }
    return new DnsException(
        ResolutionError.unavailable(
            who
                + " answered "
                + Rcode.string(rcode)
                + " for "
                + what
                + " (the server is not ready or failing; retrying)"));
  }

  private static String who(InetSocketAddress server) {
    return "DNS server " + IpAddresses.formatHost(server.getAddress()) + ":" + server.getPort();
  }

  private static String what(Message query) {
    return query.getQuestion().getName() + " " + Type.string(query.getQuestion().getType());
  }

  private DnsException describe(Throwable error, InetSocketAddress server, Message query) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String who = who(server);
    String what = what(query);
    if (cause instanceof SocketTimeoutException) {
      return new DnsException(
          ResolutionError.unavailable(
              who + " did not answer " + what + " within " + timeout.toMillis() + " ms"));
    }
    if (cause instanceof PortUnreachableException || cause instanceof ConnectException) {
      return new DnsException(
          ResolutionError.unavailable(who + " is unreachable (" + reason(cause) + ") for " + what));
    }
    if (cause instanceof WireParseException) {
      return new DnsException(
          ResolutionError.invalidAnswer(
              who + " sent a malformed answer to " + what + ": " + cause.getMessage()));
    }
    if (cause instanceof IOException) {
      return new DnsException(
          ResolutionError.unavailable(who + " failed for " + what + ": " + reason(cause)));
    }
    return new DnsException(
        ResolutionError.unavailable(who + " failed for " + what + ": " + cause));
  }

  /** The exception's message, or what it means when it has none (a port unreachable has none). */
  private static String reason(Throwable cause) {
    if (cause.getMessage() != null) {
      return cause.getMessage();
    }
    return cause instanceof PortUnreachableException
        ? "ICMP port unreachable: nothing listens on that port"
        : cause.getClass().getSimpleName();
  }

  /**
   * The records of {@code type} for {@code name}, following CNAMEs (at most {@link
   * #MAX_CNAME_CHAIN} links, no loops), asking again for a CNAME target the answer did not resolve.
   */
  CompletionStage<Chased> chase(Name name, int type) {
    List<Name> chain = new ArrayList<>();
    chain.add(name);
    return chase(name, type, chain);
  }

  private CompletionStage<Chased> chase(Name name, int type, List<Name> chain) {
    return ask(name, type)
        .thenCompose(
            response -> {
              // The CNAMEs count whatever the rcode: NXDOMAIN after a CNAME is the target's.
              List<Record> answers = response.getSection(Section.ANSWER);
              Name current = name;
              Set<Name> seen = new LinkedHashSet<>(chain);
              while (true) {
                Name next = cnameOf(answers, current);
                if (next == null) {
                  break;
                }
                if (!seen.add(next)) {
                  chain.add(next);
                  return failed(
                      ResolutionError.invalidAnswer("CNAME loop: " + DnsNames.chain(chain)));
                }
                chain.add(next);
                if (chain.size() - 1 > MAX_CNAME_CHAIN) {
                  return failed(
                      ResolutionError.invalidAnswer(
                          "CNAME chain longer than "
                              + MAX_CNAME_CHAIN
                              + " links: "
                              + DnsNames.chain(chain)));
                }
                current = next;
              }
              int rcode = response.getRcode();
              if (rcode != Rcode.NOERROR) {
                return CompletableFuture.completedFuture(
                    new Chased(rcode, List.of(), List.copyOf(chain), response));
              }
              List<Record> data = new ArrayList<>();
              for (Record r : answers) {
                if (r.getType() == type && r.getName().equals(current)) {
                  data.add(r);
                }
              }
              if (data.isEmpty() && !current.equals(name)) {
                return chase(current, type, chain); // the server left the CNAME target to us
              }
              return CompletableFuture.completedFuture(
                  new Chased(Rcode.NOERROR, data, List.copyOf(chain), response));
            });
  }

  private static Name cnameOf(List<Record> answers, Name owner) {
    for (Record r : answers) {
      if (r instanceof CNAMERecord c && r.getName().equals(owner)) {
        return c.getTarget();
      }
    }
    return null;
  }

  private static <T> CompletionStage<T> failed(ResolutionError error) {
    return CompletableFuture.failedFuture(new DnsException(error));
  }

  /**
   * An answer after following CNAMEs.
   *
   * @param rcode the final rcode
   * @param records the records of the asked type at the end of the chain (empty: NODATA)
   * @param chain the names from the asked one to the last CNAME target
   * @param response the last response (its additional section may hold SRV targets' addresses)
   */
  record Chased(int rcode, List<Record> records, List<Name> chain, Message response) {
    boolean nxdomain() {
      return rcode == Rcode.NXDOMAIN;
    }
  }
}
