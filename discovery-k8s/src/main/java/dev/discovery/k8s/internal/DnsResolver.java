package dev.discovery.k8s.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ServicePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The {@code k8s+dns} resolver of one target. All state lives in the resolver's serialized context
 * (the SDK calls start/refresh/close there; DNS answers are delivered there); the only blocking
 * work, reading resolv.conf and the service-account namespace, runs on the blocking executor.
 */
public final class DnsResolver implements Resolver {
  private static final Logger log = LoggerFactory.getLogger(DnsResolver.class);
  private static final Source SOURCE = Source.of("dns");

  private final KubernetesTarget target;
  private final ResolverContext context;
  private final DnsOptions options;

  private Listener listener;
  private DnsClient client;
  private List<Name> candidates;
  private Name lastHit;
  private boolean closed;
  private boolean inFlight;
  private boolean refreshWanted;
  private Instant lastStart;
  private ScheduledFuture<?> timer;
  private Instant timerDue;
  private int failures;
  private int emptyStreak;
  private boolean hadEndpoints;
  private boolean warnedClusterIp;

  public DnsResolver(KubernetesTarget target, ResolverContext context, DnsOptions options) {
    this.target = target;
    this.context = context;
    this.options = options;
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    if (target.port() == null) {
      report(
          ResolutionError.misconfigured(
              target
                  + " names no port (expected: a port number or a port name, as in "
                  + target
                  + ":8080 or "
                  + target
                  + ":grpc)"));
      return;
    }
    context
        .blockingExecutor()
        .execute(
            () -> {
              ClusterDefaults defaults;
              try {
                defaults = ClusterDefaults.load(context, options);
              } catch (RuntimeException e) {
                log.warn("Could not read the environment for {}", target, e);
                defaults =
                    new ClusterDefaults(
                        ClusterDefaults.DEFAULT_NAMESPACE,
                        ClusterDefaults.DEFAULT_ZONE,
                        ResolvConf.EMPTY);
              }
              ClusterDefaults d = defaults;
              context.syncContext().execute(() -> init(d));
            });
  }

  private void init(ClusterDefaults defaults) {
    if (closed) {
      return;
    }
    InetSocketAddress explicit = options.server();
    if (!target.authority().isEmpty()) {
      InetSocketAddress a = KubernetesTargetParser.parseHostPort(target.authority(), "DNS server");
      if (a.isUnresolved()) {
        report(
            ResolutionError.misconfigured(
                "DNS server \""
                    + target.authority()
                    + "\" in "
                    + target
                    + " is a host name (expected: an IP address, as in k8s+dns://10.96.0.10:53/...)"));
        return;
      }
      explicit = a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), 53) : a;
    }
    List<InetSocketAddress> servers =
        explicit != null ? List.of(explicit) : defaults.resolvConf().servers();
    client = new DnsClient(servers, options.queryTimeout(), context.syncContext());
    candidates = NameCandidates.of(target, defaults, explicit != null);
    resolveNow();
  }

  @Override
  public void refresh() {
    if (closed || client == null) {
      return;
    }
    if (inFlight) {
      refreshWanted = true;
      return;
    }
    Instant earliest = lastStart == null ? Instant.MIN : lastStart.plus(options.minRefresh());
    Instant now = context.clock().instant();
    if (!now.isBefore(earliest)) {
      resolveNow();
    } else if (timerDue == null || timerDue.isAfter(earliest)) {
      schedule(Duration.between(now, earliest));
    }
  }

  @Override
  public void close() {
    closed = true;
    cancelTimer();
  }

  private void resolveNow() {
    cancelTimer();
    inFlight = true;
    lastStart = context.clock().instant();
    attempt()
        .whenCompleteAsync(
            (outcome, error) -> {
              inFlight = false;
              if (closed) {
                return;
              }
              if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof DnsException e) {
                  onFailure(e.error());
                } else {
                  log.warn("Unexpected failure resolving {}", target, cause);
                  onFailure(
                      ResolutionError.unavailable("resolving " + target + " failed: " + cause));
                }
              } else {
                outcome.apply(this);
              }
              if (refreshWanted) {
                refreshWanted = false;
                refresh();
              }
            },
            context.syncContext());
  }

  // ---- outcomes ----

  private interface Outcome {
    void apply(DnsResolver r);
  }

  private void onSuccess(EndpointSet set) {
    failures = 0;
    emptyStreak = 0;
    hadEndpoints = !set.isEmpty();
    if (set.kind() == ServiceKind.CLUSTER_IP && !warnedClusterIp) {
      warnedClusterIp = true;
      log.warn(
          "{} is a ClusterIP Service: kube-proxy spreads connections to its one virtual IP, so"
              + " calls cannot spread across pods. Make it headless (clusterIP: None) or use the"
              + " API source (k8s+api) to balance per pod.",
          target);
    }
    listener.onResult(new ResolutionResult.Resolved(set));
    schedule(refreshDelay(set.ttl()));
  }

  private void onEmpty(boolean nxdomain, List<Name> asked, Duration negativeTtl) {
    if (hadEndpoints && ++emptyStreak < options.notFoundGrace()) {
      log.debug(
          "{}: {} answer {} of {} in a row; keeping the last list",
          target,
          nxdomain ? "NXDOMAIN" : "empty",
          emptyStreak,
          options.notFoundGrace());
      schedule(options.minRefresh());
      return;
    }
    if (nxdomain && !hadEndpoints) {
      failures++;
      report(
          ResolutionError.notFound(
              "no such Service: DNS server "
                  + client.describeServers()
                  + " answered NXDOMAIN for "
                  + join(asked)
                  + " (expected: a Service "
                  + target.service()
                  + " in the namespace asked; check its name and namespace)"));
      schedule(options.backoff().delayAfter(failures));
      return;
    }
    failures = 0;
    emptyStreak = 0;
    hadEndpoints = false;
    listener.onResult(
        new ResolutionResult.Resolved(
            EndpointSet.builder(ServiceKind.UNKNOWN, SOURCE)
                .resolvedAt(context.clock().instant())
                .ttl(negativeTtl)
                .build()));
    schedule(refreshDelay(negativeTtl));
  }

  private void onFailure(ResolutionError error) {
    failures++;
    report(error);
    schedule(options.backoff().delayAfter(failures));
  }

  private void report(ResolutionError error) {
    listener.onResult(new ResolutionResult.Failed(error));
  }

  private Duration refreshDelay(Duration ttl) {
    long ttlMillis = ttl == null ? 0 : ttl.toMillis();
    long jittered = (long) (ttlMillis * (0.8 + 0.2 * options.random().nextDouble()));
    long min = options.minRefresh().toMillis();
    long max = options.maxRefresh().toMillis();
    return Duration.ofMillis(Math.max(min, Math.min(max, jittered)));
  }

  private void schedule(Duration delay) {
    cancelTimer();
    if (closed) {
      return;
    }
    timerDue = context.clock().instant().plus(delay);
    timer =
        context
            .scheduler()
            .schedule(
                () -> context.syncContext().execute(this::onTimer),
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void onTimer() {
    timer = null;
    timerDue = null;
    if (!closed && !inFlight) {
      resolveNow();
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
      timerDue = null;
    }
  }

  // ---- one resolution ----

  private CompletionStage<Outcome> attempt() {
    List<Name> order = new ArrayList<>();
    if (lastHit != null) {
      order.add(lastHit);
    }
    for (Name c : candidates) {
      if (!c.equals(lastHit)) {
        order.add(c);
      }
    }
    return walk(order, 0, new ArrayList<>(), new ArrayList<>());
  }

  /**
   * Tries the candidate names in order; NXDOMAIN or REFUSED moves on to the next. When none has the
   * name: not found if some server said NXDOMAIN (REFUSED means only that it is not authoritative
   * for that candidate), else unavailable.
   */
  private CompletionStage<Outcome> walk(
      List<Name> order, int i, List<Name> nxdomain, List<Name> refused) {
    if (i >= order.size()) {
      if (nxdomain.isEmpty()) {
        return CompletableFuture.failedFuture(
            new DnsException(
                ResolutionError.unavailable(
                    "DNS server "
                        + client.describeServers()
                        + " refused "
                        + join(refused)
                        + " (expected: the cluster DNS server, authoritative for the zone)")));
      }
      return CompletableFuture.completedFuture(r -> r.onEmpty(true, nxdomain, null));
    }
    Name name = order.get(i);
    CompletionStage<DnsClient.Chased> v4 = client.chase(name, Type.A);
    CompletionStage<DnsClient.Chased> v6 = client.chase(name, Type.AAAA);
    return v4.thenCombine(v6, (a, b) -> new Pair(a, b))
        .thenCompose(
            p -> {
              int rcode = worst(p.a.rcode(), p.b.rcode());
              if (rcode == Rcode.NXDOMAIN) {
                nxdomain.add(name);
                return walk(order, i + 1, nxdomain, refused);
              }
              if (rcode == Rcode.REFUSED) {
                refused.add(name);
                return walk(order, i + 1, nxdomain, refused);
              }
              if (rcode != Rcode.NOERROR) {
                return serverFailed(rcode, name + "");
              }
              lastHit = name;
              return found(name, p.a, p.b);
            });
  }

  /** A server error (SERVFAIL and the like): transient, retried with backoff. */
  private <T> CompletionStage<T> serverFailed(int rcode, String question) {
    return CompletableFuture.failedFuture(
        new DnsException(
            ResolutionError.unavailable(
                "DNS server "
                    + client.describeServers()
                    + " answered "
                    + Rcode.string(rcode)
                    + " for "
                    + question
                    + " (the server is not ready or failing; retrying)")));
  }

  private static int worst(int a, int b) {
    if (a == Rcode.NOERROR) {
      return b == Rcode.NXDOMAIN ? Rcode.NOERROR : b;
    }
    if (b == Rcode.NOERROR) {
      return a == Rcode.NXDOMAIN ? Rcode.NOERROR : a;
    }
    return a == Rcode.NXDOMAIN ? b : a;
  }

  private record Pair(DnsClient.Chased a, DnsClient.Chased b) {}

  private CompletionStage<Outcome> found(Name name, DnsClient.Chased v4, DnsClient.Chased v6) {
    List<Record> addressRecords = new ArrayList<>(v4.records());
    addressRecords.addAll(v6.records());
    List<Name> chain = v4.chain().size() >= v6.chain().size() ? v4.chain() : v6.chain();
    if (addressRecords.isEmpty()) {
      Duration negative = negativeTtl(v4.response());
      return CompletableFuture.completedFuture(r -> r.onEmpty(false, List.of(name), negative));
    }
    if (addressRecords.size() > options.maxEndpoints()) {
      return oversized(name, addressRecords.size());
    }
    long ttl = minTtl(addressRecords, Long.MAX_VALUE);
    List<InetAddress> addresses = new ArrayList<>();
    for (Record r : addressRecords) {
      addresses.add(r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress());
    }
    if (chain.size() > 1) {
      return externalName(chain, addresses, ttl);
    }
    if (target.port() instanceof ServicePort.Name portName) {
      Name srvName = srvName(portName.value(), name);
      return client
          .ask(srvName, Type.SRV)
          .thenCompose(
              srv ->
                  withSrv(
                      name,
                      srvName,
                      srv,
                      addresses,
                      v4.records().size(),
                      v6.records().size(),
                      ttl));
    }
    int port = ((ServicePort.Number) target.port()).value();
    if (v4.records().size() > 1 || v6.records().size() > 1) {
      return done(ServiceKind.HEADLESS, plain(addresses, port, null), List.of(), ttl);
    }
    return classifyByPtr(name, addresses.get(0))
        .thenApply(kind -> set(kind, plain(addresses, port, null), List.of(), ttl));
  }

  private CompletionStage<Outcome> externalName(
      List<Name> chain, List<InetAddress> addresses, long ttl) {
    if (!(target.port() instanceof ServicePort.Number number)) {
      return CompletableFuture.failedFuture(
          new DnsException(
              ResolutionError.misconfigured(
                  target
                      + " is an ExternalName ("
                      + join(chain)
                      + "), which has no named ports (expected: a port number, as in "
                      + target.withPort(null)
                      + ":443)")));
    }
    List<String> aliases = new ArrayList<>();
    chain.forEach(n -> aliases.add(n.toString(true)));
    String host = aliases.get(aliases.size() - 1);
    return done(ServiceKind.EXTERNAL_NAME, plain(addresses, number.value(), host), aliases, ttl);
  }

  private CompletionStage<Outcome> withSrv(
      Name name, Name srvName, Message srv, List<InetAddress> addresses, int v4, int v6, long ttl) {
    List<SRVRecord> records = new ArrayList<>();
    for (Record r : srv.getSection(Section.ANSWER)) {
      if (r instanceof SRVRecord s && r.getName().equals(srvName)) {
        records.add(s);
      }
    }
    if (srv.getRcode() != Rcode.NOERROR && srv.getRcode() != Rcode.NXDOMAIN) {
      return serverFailed(srv.getRcode(), srvName + " SRV");
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
    if (records.size() > options.maxEndpoints()) {
      return oversized(srvName, records.size());
    }
    long srvTtl = minTtl(records, ttl);
    boolean allToService = records.stream().allMatch(s -> s.getTarget().equals(name));
    if (allToService && v4 <= 1 && v6 <= 1) {
      int port = records.get(0).getPort();
      return done(ServiceKind.CLUSTER_IP, plain(addresses, port, null), List.of(), srvTtl);
    }
    return headlessFromSrv(srv, records, addresses, srvTtl);
  }

  /** One endpoint per SRV record: its target's address, its port, the target's first label. */
  private CompletionStage<Outcome> headlessFromSrv(
      Message srv, List<SRVRecord> records, List<InetAddress> serviceAddresses, long ttl) {
    Map<Name, List<InetAddress>> byTarget = new LinkedHashMap<>();
    for (Record r : srv.getSection(Section.ADDITIONAL)) {
      if (r instanceof ARecord a) {
        byTarget.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(a.getAddress());
      } else if (r instanceof AAAARecord a) {
        byTarget.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(a.getAddress());
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
    return lookupTargets(missing, 0, byTarget)
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
              return set(ServiceKind.HEADLESS, List.copyOf(endpoints.values()), List.of(), ttl);
            });
  }

  /** Asks for SRV targets the answer left without addresses, a few at a time. */
  private CompletionStage<Map<Name, List<InetAddress>>> lookupTargets(
      List<Name> missing, int from, Map<Name, List<InetAddress>> into) {
    if (from >= missing.size()) {
      return CompletableFuture.completedFuture(into);
    }
    int to = Math.min(missing.size(), from + 16);
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    for (Name n : missing.subList(from, to)) {
      CompletionStage<DnsClient.Chased> a = client.chase(n, Type.A);
      CompletionStage<DnsClient.Chased> aaaa = client.chase(n, Type.AAAA);
      batch.add(
          a.thenCombine(
                  aaaa,
                  (x, y) -> {
                    List<InetAddress> ips = new ArrayList<>();
                    for (Record r : x.records()) {
                      ips.add(((ARecord) r).getAddress());
                    }
                    for (Record r : y.records()) {
                      ips.add(((AAAARecord) r).getAddress());
                    }
                    into.put(n, ips);
                    return (Void) null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0]))
        .thenCompose(v -> lookupTargets(missing, to, into));
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

  private CompletionStage<Outcome> oversized(Name name, int count) {
    return CompletableFuture.failedFuture(
        new DnsException(
            ResolutionError.invalidAnswer(
                "the answer for "
                    + name
                    + " holds "
                    + count
                    + " records (expected: at most "
                    + options.maxEndpoints()
                    + "; raise DnsResolverProvider.builder().maxEndpoints(...) if that is"
                    + " intended)")));
  }

  private List<Endpoint> plain(List<InetAddress> addresses, int port, String hostname) {
    List<Endpoint> out = new ArrayList<>();
    java.util.Set<InetAddress> seen = new java.util.HashSet<>();
    for (InetAddress ip : addresses) {
      if (seen.add(ip)) {
        out.add(Endpoint.builder(ip, port).hostname(hostname).build());
      }
    }
    return out;
  }

  private CompletionStage<Outcome> done(
      ServiceKind kind, List<Endpoint> endpoints, List<String> aliases, long ttl) {
    return CompletableFuture.completedFuture(set(kind, endpoints, aliases, ttl));
  }

  private Outcome set(ServiceKind kind, List<Endpoint> endpoints, List<String> aliases, long ttl) {
    EndpointSet s =
        EndpointSet.builder(kind, SOURCE)
            .addAll(endpoints)
            .aliases(aliases)
            .resolvedAt(context.clock().instant())
            .ttl(Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl))
            .build();
    return r -> r.onSuccess(s);
  }

  private static long minTtl(List<? extends Record> records, long start) {
    long ttl = start;
    for (Record r : records) {
      ttl = Math.min(ttl, r.getTTL());
    }
    return ttl;
  }

  private static Duration negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
      }
    }
    return null;
  }

  private static Name srvName(String portName, Name service) {
    try {
      return Name.concatenate(Name.fromString("_" + portName + "._tcp"), service);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("port name: " + portName, e);
    }
  }

  private static String join(List<Name> names) {
    List<String> s = new ArrayList<>();
    names.forEach(n -> s.add(n.toString()));
    return String.join(", ", s);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "DnsResolver[" + target + "]";
  }
}
