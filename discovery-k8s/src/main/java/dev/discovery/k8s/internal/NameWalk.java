package dev.discovery.k8s.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Which of a target's candidate names ({@link NameCandidates}) is the Service's: asks each for A
 * and AAAA, in order, the name that answered last time first, and hands the first that answers to
 * the interpretation of its records. NXDOMAIN or REFUSED moves on to the next. When none has the
 * name: not found if some server said NXDOMAIN (REFUSED means only that it is not authoritative for
 * that candidate), else unavailable. Used from the resolver's serialized context only.
 */
final class NameWalk {
  /** A name that answered NOERROR, with its A and AAAA answers (CNAMEs followed). */
  record Hit(Name name, DnsClient.Chased v4, DnsClient.Chased v6) {}

  private final DnsClient client;
  private final List<Name> candidates;
  private Name lastHit;

  /**
   * @param candidates the names to ask, in order
   */
  NameWalk(DnsClient client, List<Name> candidates) {
    this.client = client;
    this.candidates = List.copyOf(candidates);
  }

  /**
   * Walks the candidates and completes with {@code interpret} of the first that answers, or with
   * {@link DnsOutcome.Gone}; fails with a {@link DnsException}.
   */
  CompletionStage<DnsOutcome> walk(Function<Hit, CompletionStage<DnsOutcome>> interpret) {
    List<Name> order = new ArrayList<>();
    if (lastHit != null) {
      order.add(lastHit);
    }
    for (Name c : candidates) {
      if (!c.equals(lastHit)) {
        order.add(c);
      }
    }
    return walk(order, 0, new ArrayList<>(), new ArrayList<>(), interpret);
  }

  private CompletionStage<DnsOutcome> walk(
      List<Name> order,
      int i,
      List<Name> nxdomain,
      List<Name> refused,
      Function<Hit, CompletionStage<DnsOutcome>> interpret) {
    if (i >= order.size()) {
      if (nxdomain.isEmpty()) {
        return CompletableFuture.failedFuture(
            client.rcodeError(Rcode.REFUSED, DnsNames.list(refused)));
      }
      return CompletableFuture.completedFuture(new DnsOutcome.Gone(true, nxdomain, null));
    }
    Name name = order.get(i);
    CompletionStage<DnsClient.Chased> v4 = client.chase(name, Type.A);
    CompletionStage<DnsClient.Chased> v6 = client.chase(name, Type.AAAA);
    return v4.thenCombine(v6, (a, b) -> new Hit(name, a, b))
        .thenCompose(
            hit -> {
              int rcode = worst(hit.v4(), hit.v6()).rcode();
              if (rcode == Rcode.NOERROR) {
                lastHit = name;
                return interpret.apply(hit);
              }
              if (rcode == Rcode.NXDOMAIN) {
                nxdomain.add(name);
                return walk(order, i + 1, nxdomain, refused, interpret);
              }
              if (rcode == Rcode.REFUSED) {
                refused.add(name);
                return walk(order, i + 1, nxdomain, refused, interpret);
              }
              return CompletableFuture.failedFuture(client.rcodeError(rcode, name.toString()));
            });
  }

  /**
   * The answer that decides: a failure over NXDOMAIN over NOERROR, except that NOERROR wins over
   * NXDOMAIN (a name with an A record and no AAAA exists).
   */
  private static DnsClient.Chased worst(DnsClient.Chased a, DnsClient.Chased b) {
    if (a.rcode() == Rcode.NOERROR) {
      return b.rcode() == Rcode.NXDOMAIN ? a : b;
    }
    if (b.rcode() == Rcode.NOERROR) {
      return a.rcode() == Rcode.NXDOMAIN ? b : a;
    }
    return a.rcode() == Rcode.NXDOMAIN ? b : a;
  }
}
