package dev.discovery.k8s.internal;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The {@code k8s+dns} resolver of one target: the refresh loop. It decides when to resolve (at
 * start, after the answer's TTL jittered and clamped to [minRefresh, maxRefresh], on {@code
 * refresh()} at most once per minRefresh, after a failure with backoff) and what a resolution's
 * outcome does to the watch (a new snapshot; an error beside the last good list; a name gone only
 * after {@code notFoundGrace} NXDOMAIN or empty answers in a row). What to ask and what the answers
 * mean is not its business: {@link NameWalk} finds the name that answers (its Javadoc says when a
 * failing name stops the walk), {@link ServiceRecords} turns its records into endpoints.
 *
 * <p>All state lives in the resolver's serialized context: the SDK calls start/refresh/close there
 * and DNS answers are delivered there. The only blocking work, reading resolv.conf and the
 * service-account namespace, runs on the blocking executor. Anything that throws in the context,
 * while setting up or while resolving, becomes the watch's error (MISCONFIGURED while setting up,
 * INVALID_ANSWER while reading an answer) and the loop goes on with backoff: a resolver never hangs
 * silently.
 */
public final class DnsResolver implements Resolver {
  private static final Logger log = LoggerFactory.getLogger(DnsResolver.class);
  private static final Source SOURCE = Source.of("dns");

  private final KubernetesTarget target;
  private final ResolverContext context;
  private final DnsOptions options;
  private final Map<String, String>
      clientTopology; // the client's zone and node, from the environment

  private Listener listener;
  private DnsClient client;
  private NameWalk walk;
  private ServiceRecords records;
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
    this.clientTopology = ClientTopology.attributes(context.environment());
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
    try {
      ResolutionError error = setUp(defaults);
      if (error != null) {
        report(error);
        return;
      }
    } catch (RuntimeException e) {
      log.warn("Could not set up the DNS resolution of {}", target, e);
      report(
          ResolutionError.misconfigured(
              oneLine(e.getMessage() != null ? e.getMessage() : e.toString())));
      return;
    }
    resolveNow();
  }

  /** Makes the client, the walk and the interpretation; an error if the target cannot work. */
  private ResolutionError setUp(ClusterDefaults defaults) {
    InetSocketAddress explicit = options.server();
    if (!target.authority().isEmpty()) {
      InetSocketAddress a = KubernetesTargetParser.parseHostPort(target.authority(), "DNS server");
      if (a.isUnresolved()) {
        return ResolutionError.misconfigured(
            "DNS server \""
                + target.authority()
                + "\" in "
                + target
                + " is a host name (expected: an IP address, as in k8s+dns://10.96.0.10:53/...)");
      }
      explicit = a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), 53) : a;
    }
    List<InetSocketAddress> servers =
        explicit != null ? List.of(explicit) : defaults.resolvConf().servers();
    List<Name> candidates = NameCandidates.of(target, defaults, explicit != null);
    Name zone = NameCandidates.zone(target, defaults);
    client = new DnsClient(servers, options.queryTimeout(), context.syncContext());
    walk = new NameWalk(client, candidates, zone);
    records = new ServiceRecords(target, client, options.maxEndpoints(), context.clock());
    return null;
  }

  @Override
  public void refresh() {
    if (closed || walk == null) {
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
    CompletionStage<DnsOutcome> resolution;
    try {
      resolution = walk.walk(records::interpret);
    } catch (RuntimeException e) {
      resolution = CompletableFuture.failedFuture(e);
    }
    resolution.whenCompleteAsync(this::onResolved, context.syncContext());
  }

  private void onResolved(DnsOutcome outcome, Throwable error) {
    inFlight = false;
    if (closed) {
      return;
    }
    try {
      if (error != null) {
        onFailure(errorOf(unwrap(error)));
      } else if (outcome instanceof DnsOutcome.Found found) {
        onFound(found.set());
      } else if (outcome instanceof DnsOutcome.Gone gone) {
        onGone(gone);
      }
    } catch (RuntimeException e) {
      onFailure(errorOf(e));
    }
    if (refreshWanted) {
      refreshWanted = false;
      refresh();
    }
  }

  /** The error to report for a failed resolution. */
  private ResolutionError errorOf(Throwable cause) {
    if (cause instanceof DnsException e) {
      return e.error();
    }
    log.warn("Unexpected failure resolving {}", target, cause);
    return ResolutionError.invalidAnswer(
        "resolving "
            + target
            + " failed: "
            + oneLine(cause.toString())
            + " (the stack trace is logged)");
  }

  private void onFound(EndpointSet set) {
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
    listener.onResult(new ResolutionResult.Resolved(set.withAttributes(clientTopology)));
    schedule(refreshDelay(set.ttl()));
  }

  /** No endpoints: kept for notFoundGrace answers in a row when the name had some. */
  private void onGone(DnsOutcome.Gone gone) {
    if (hadEndpoints && ++emptyStreak < options.notFoundGrace()) {
      log.debug(
          "{}: {} answer {} of {} in a row; keeping the last list",
          target,
          gone.nxdomain() ? "NXDOMAIN" : "empty",
          emptyStreak,
          options.notFoundGrace());
      schedule(options.minRefresh());
      return;
    }
    if (gone.nxdomain() && !hadEndpoints) {
      failures++;
      report(
          ResolutionError.notFound(
              "no such Service: DNS server "
                  + client.describeServers()
                  + " answered NXDOMAIN for "
                  + DnsNames.list(gone.asked())
                  + " (expected: a Service "
                  + target.service()
                  + " in the namespace asked; check its name and namespace)"));
      schedule(options.backoff().delayAfter(failures, options.random()));
      return;
    }
    failures = 0;
    emptyStreak = 0;
    hadEndpoints = false;
    listener.onResult(
        new ResolutionResult.Resolved(
            EndpointSet.builder(ServiceKind.UNKNOWN, SOURCE)
                .resolvedAt(context.clock().instant())
                .ttl(gone.negativeTtl())
                .build()
                .withAttributes(clientTopology)));
    schedule(refreshDelay(gone.negativeTtl()));
  }

  private void onFailure(ResolutionError error) {
    failures++;
    report(error);
    schedule(options.backoff().delayAfter(failures, options.random()));
  }

  private void report(ResolutionError error) {
    listener.onResult(new ResolutionResult.Failed(error));
  }

  /** The TTL x U[0.8, 1.0], clamped to [minRefresh, maxRefresh]. */
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

  /** {@code text} on one line. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
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
