package dev.discovery.k8s.internal;

import dev.discovery.api.ResolutionError;
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
 * the interpretation of its records. Used from the resolver's serialized context only.
 *
 * <h2>When the walk goes on, and when it stops</h2>
 *
 * <ul>
 *   <li><b>NXDOMAIN</b>: the name does not exist; the next candidate is asked, as libc walks its
 *       search list.
 *   <li><b>REFUSED for a name outside the cluster zone</b> that has not answered before: that
 *       server does not serve the name (a cluster DNS server without recursion refuses names
 *       outside its zone, such as the bare {@code web.shop.}), which says nothing about the
 *       Service; the next candidate is asked.
 *   <li><b>Any other failure</b>: REFUSED inside the cluster zone or for the name that answered
 *       before, SERVFAIL or another rcode, no answer in time, a malformed or truncated answer, or
 *       such a failure for a CNAME target; NXDOMAIN for a CNAME target (the name exists, as an
 *       alias of nothing: NOT_FOUND naming the target). The walk stops there and the resolution
 *       fails with that name's error (UNAVAILABLE, or INVALID_ANSWER for an answer that cannot be
 *       used); the refresh loop keeps the last good list.
 * </ul>
 *
 * Why stop: the failing name may be the Service. The candidates after it answer NXDOMAIN ({@code
 * web.shop.shop.svc.cluster.local} is no Service), so going on turned a few seconds of REFUSED for
 * {@code web.shop.svc.cluster.local} into "no such Service" and an empty list for three live pods.
 * And a later candidate may be another Service ({@code web.svc.cluster.local} is Service {@code
 * web} of namespace {@code svc}), which must not stand in for this one because this one is failing.
 * libc agrees in the main: glibc's {@code res_search} stops at REFUSED and at timeouts, and after
 * SERVFAIL it goes on but ends in a temporary failure (TRY_AGAIN), never "not found"; musl stops at
 * any failure.
 *
 * <p>The walk ends without a name when every candidate answered NXDOMAIN or was refused outside the
 * zone: the name is gone (not found) if at least one said NXDOMAIN, else the resolution fails
 * UNAVAILABLE naming the refused names.
 */
final class NameWalk {
  /** A name that answered NOERROR, with its A and AAAA answers (CNAMEs followed). */
  record Hit(Name name, DnsClient.Chased v4, DnsClient.Chased v6) {}

  private final DnsClient client;
  private final List<Name> candidates;
  private final Name zone;
  private Name lastHit;

  /**
   * @param candidates the names to ask, in order
   * @param zone the cluster zone, absolute
   */
  NameWalk(DnsClient client, List<Name> candidates, Name zone) {
    this.client = client;
    this.candidates = List.copyOf(candidates);
    this.zone = zone;
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
      List<Name> refusedOutside,
      Function<Hit, CompletionStage<DnsOutcome>> interpret) {
    if (i >= order.size()) {
      if (nxdomain.isEmpty()) {
        return CompletableFuture.failedFuture(
            client.rcodeError(Rcode.REFUSED, DnsNames.list(refusedOutside)));
      }
      return CompletableFuture.completedFuture(new DnsOutcome.Gone(true, nxdomain, null));
    }
    Name name = order.get(i);
    CompletionStage<DnsClient.Chased> v4 = client.chase(name, Type.A);
    CompletionStage<DnsClient.Chased> v6 = client.chase(name, Type.AAAA);
    return v4.thenCombine(v6, (a, b) -> new Hit(name, a, b))
        .thenCompose(
            hit -> {
              DnsClient.Chased worst = worst(hit.v4(), hit.v6());
              int rcode = worst.rcode();
              if (rcode == Rcode.NOERROR) {
                lastHit = name;
                return interpret.apply(hit);
              }
              if (rcode == Rcode.NXDOMAIN && worst.chain().size() == 1) {
                nxdomain.add(name);
                return walk(order, i + 1, nxdomain, refusedOutside, interpret);
              }
              if (rcode == Rcode.NXDOMAIN) {
                return CompletableFuture.failedFuture(danglingAlias(worst.chain()));
              }
              if (rcode == Rcode.REFUSED && worst.chain().size() == 1 && skippable(name)) {
                refusedOutside.add(name);
                return walk(order, i + 1, nxdomain, refusedOutside, interpret);
              }
              return CompletableFuture.failedFuture(client.rcodeError(rcode, describe(worst)));
            });
  }

  /** A refused name the walk may pass over: outside the cluster zone, and never the Service's. */
  private boolean skippable(Name name) {
    return !name.equals(lastHit) && !name.subdomain(zone);
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

  /** An alias (an ExternalName's CNAME) whose target does not exist: the name itself does. */
  private DnsException danglingAlias(List<Name> chain) {
    return new DnsException(
        ResolutionError.notFound(
            chain.get(0)
                + " is an alias of "
                + chain.get(chain.size() - 1)
                + ", which does not exist: DNS server "
                + client.describeServers()
                + " answered NXDOMAIN ("
                + DnsNames.chain(chain)
                + "; expected: a CNAME target that resolves, such as the ExternalName's"
                + " externalName)"));
  }

  /** The name that failed: the last of its CNAME chain, with the chain when there is one. */
  private static String describe(DnsClient.Chased failed) {
    List<Name> chain = failed.chain();
    Name last = chain.get(chain.size() - 1);
    return chain.size() == 1 ? last.toString() : last + " (" + DnsNames.chain(chain) + ")";
  }
}
