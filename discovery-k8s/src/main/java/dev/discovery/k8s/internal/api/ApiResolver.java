package dev.discovery.k8s.internal.api;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.Resolvers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code k8s+api} resolver of one target: hears its Service's shared watches ({@link ApiHub})
 * and assembles, with its own port and access mode, what it reports ({@link ServiceEndpoints}).
 *
 * <ul>
 *   <li>Nothing is reported until the Service and its slices (and, in the {@code nodePort} mode,
 *       the Nodes) are listed. A Service that does not exist is NOT_FOUND while the watch goes on;
 *       one deleted while watched is an empty snapshot.
 *   <li>A watch's failure is reported as an error; the watch keeps the last good list and retries.
 *       While one of the Service's two watches fails, the other's snapshots are reported only when
 *       they change the endpoints, each followed by the failing watch's error again: the source
 *       does not look healthy (no Recovered, no error cleared for good) while half of it is down.
 *   <li>An ExternalName Service is handed to the {@code k8s+dns} source of the registry (the
 *       cluster DNS answers its CNAME), its snapshots' source saying so; when the Service changes
 *       type again, the API's assembly takes over.
 * </ul>
 *
 * <p>All state lives in the resolver's serialized context; the hub's calls hop there. The
 * connection is loaded on the blocking executor; a configuration error is MISCONFIGURED.
 */
final class ApiResolver implements Resolver, ApiHub.Sink {
  private static final Logger log = LoggerFactory.getLogger(ApiResolver.class);
  static final Source SOURCE = Source.of("api");

  private final KubernetesTarget target;
  private final ResolverContext context;
  private final ApiSource source;
  private final AccessMode mode;

  private final Object lock = new Object(); // hands the hub from the blocking executor over
  private Listener listener;
  private boolean closed; // guarded by lock
  private ApiHub hub; // guarded by lock
  private String namespace;
  private ServiceWatcher.View view;
  private List<NodeObject> nodes;
  private Map<String, String> client; // the client's zone and node; null until known
  private ServiceKind lastKind = ServiceKind.CLUSTER_IP;
  private EndpointSet lastReported;
  private Resolver dns;
  private String dnsHostname;

  ApiResolver(KubernetesTarget target, ResolverContext context, ApiSource source) {
    this.target = target;
    this.context = context;
    this.source = source;
    this.mode = target.access() != null ? target.access() : source.settings().accessMode();
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    context
        .blockingExecutor()
        .execute(
            () -> {
              ApiConnection connection;
              try {
                connection = source.connection(context);
              } catch (ApiConfigException e) {
                context.syncContext().execute(() -> report(e.toResolutionError()));
                return;
              } catch (RuntimeException e) {
                log.warn("Could not configure the Kubernetes API source for {}", target, e);
                ResolutionError error =
                    ResolutionError.misconfigured(
                        "the Kubernetes API source for "
                            + target
                            + " could not be configured: "
                            + ApiErrors.oneLine(String.valueOf(e.getMessage())));
                context.syncContext().execute(() -> report(error));
                return;
              }
              // The hub's connection: another resolver of this Discovery may have made it first.
              ApiHub acquired = source.acquire(context, connection);
              synchronized (lock) {
                if (closed) {
                  source.release(acquired);
                  return;
                }
                // Kept here, so that close() releases it even if attach never runs.
                hub = acquired;
              }
              context.syncContext().execute(() -> attach(acquired, acquired.connection()));
            });
  }

  private void attach(ApiHub acquired, ApiConnection connection) {
    synchronized (lock) {
      if (closed) {
        return; // close() released it
      }
    }
    namespace = target.namespace() != null ? target.namespace() : connection.namespace();
    acquired.subscribe(namespace, target.service(), mode == AccessMode.NODE_PORT, this);
  }

  // ---- from the hub's context: hop to ours ----

  @Override
  public void onService(ServiceWatcher.View view) {
    context
        .syncContext()
        .execute(
            () -> {
              this.view = view;
              update();
            });
  }

  @Override
  public void onNodes(List<NodeObject> nodes) {
    context
        .syncContext()
        .execute(
            () -> {
              this.nodes = nodes;
              update();
            });
  }

  @Override
  public void onClientTopology(Map<String, String> attributes) {
    context
        .syncContext()
        .execute(
            () -> {
              this.client = attributes;
              update();
            });
  }

  @Override
  public void onError(ResolutionError error) {
    context.syncContext().execute(() -> report(error));
  }

  @Override
  public void onActivity(String activity) {
    context.activity(SOURCE.name(), activity);
  }

  // ---- in our context ----

  private void update() {
    if (isClosed()
        || view == null
        || client == null
        || (mode == AccessMode.NODE_PORT && nodes == null)) {
      return;
    }
    if (view.deleted()) {
      stopDns();
      assembled(
          new ResolutionResult.Resolved(
              EndpointSet.builder(lastKind, SOURCE)
                  .resolvedAt(context.clock().instant())
                  .build()
                  .withAttributes(client)));
      return;
    }
    Assembled assembled =
        ServiceEndpoints.assemble(
            new ServiceEndpoints.Query(namespace, target.service(), target.port(), mode),
            view.service(),
            view.slices(),
            nodes == null ? List.of() : nodes,
            SOURCE,
            context.clock().instant());
    if (assembled instanceof Assembled.DnsHandOver handOver) {
      handOver(handOver);
      return;
    }
    stopDns();
    ResolutionResult r = ((Assembled.Result) assembled).result();
    if (r instanceof ResolutionResult.Resolved resolved) {
      lastKind = resolved.endpoints().kind();
      // With when the slices' change happened, for the observers' delay from source to watch.
      r =
          new ResolutionResult.Resolved(
              resolved.endpoints().withAttributes(client), SliceObject.newestChange(view.slices()));
    }
    assembled(r);
  }

  /**
   * Reports what the view assembled to; while one of the view's watches fails, a snapshot only if
   * it is a change, and then that watch's error again.
   */
  private void assembled(ResolutionResult r) {
    ResolutionError failing = view.failing();
    if (failing == null || !(r instanceof ResolutionResult.Resolved resolved)) {
      result(r);
      return;
    }
    if (resolved.endpoints().isChangeFrom(lastReported)) {
      result(r);
    }
    report(failing);
  }

  private void handOver(Assembled.DnsHandOver handOver) {
    if (handOver.kind() != ServiceKind.EXTERNAL_NAME) {
      stopDns();
      report(
          ResolutionError.misconfigured(
              handOver.reason()
                  + ": the load balancer has host names only, which the API source does not"
                  + " resolve (expected: ingress IPs, or the pods or nodePort access mode)"));
      return;
    }
    if (dns != null && handOver.hostname().equals(dnsHostname)) {
      return;
    }
    stopDns();
    Optional<ResolverProvider> provider = context.registry().provider(KubernetesTarget.K8S_DNS);
    if (provider.isEmpty()) {
      report(Resolvers.noResolver(KubernetesTarget.K8S_DNS, context.registry()));
      return;
    }
    lastKind = ServiceKind.EXTERNAL_NAME;
    KubernetesTarget dnsTarget =
        new KubernetesTarget(
            KubernetesTarget.K8S_DNS,
            "",
            target.service(),
            namespace,
            false,
            null,
            false,
            target.port());
    Resolver delegate =
        Resolvers.withSourceReason(
            provider.get().newResolver(dnsTarget, context),
            handOver.reason() + ", through the API source");
    dns = delegate;
    dnsHostname = handOver.hostname();
    delegate.start(
        r ->
            context
                .syncContext()
                .execute(
                    () -> {
                      if (!isClosed() && dns == delegate) {
                        result(r);
                      }
                    }));
  }

  private void stopDns() {
    if (dns != null) {
      Resolver d = dns;
      dns = null;
      dnsHostname = null;
      d.close();
    }
  }

  private void report(ResolutionError error) {
    result(new ResolutionResult.Failed(error));
  }

  private void result(ResolutionResult r) {
    if (r instanceof ResolutionResult.Resolved resolved) {
      lastReported = resolved.endpoints();
    }
    if (!isClosed()) {
      listener.onResult(r);
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  @Override
  public void refresh() {
    // The watches are live; a DNS delegate may refresh.
    if (dns != null) {
      dns.refresh();
    }
  }

  @Override
  public void close() {
    ApiHub h;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      h = hub;
      hub = null;
    }
    stopDns();
    if (h != null) {
      if (namespace != null) {
        h.unsubscribe(namespace, target.service(), this);
      }
      source.release(h);
    }
  }

  @Override
  public String toString() {
    return "ApiResolver[" + target + ", " + mode + "]";
  }
}
