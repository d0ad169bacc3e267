package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.k8s.internal.ClientTopology;
import dev.discovery.spi.ResolverContext;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watches one provider's resolvers share (those made with one scheduler): one HTTP client, a
 * {@link ServiceWatcher} per (namespace, Service), whatever the ports and access modes asking, and
 * one cluster-wide watch of the Nodes while some resolver uses the {@code nodePort} mode.
 *
 * <p>Its state lives in its own serialized context over the first resolver's blocking executor;
 * sinks are called there and hop to their own resolver's context. {@link ApiSource} counts its
 * users; the last one's release closes every watch and then the client.
 */
final class ApiHub {
  private static final Logger log = LoggerFactory.getLogger(ApiHub.class);

  /** Hears one Service's shared watches, in the hub's context. */
  interface Sink {
    /** The Service and its slices, once both are listed, and after every change. */
    void onService(ServiceWatcher.View view);

    /** The Nodes, once listed and after every change (to {@code nodePort} sinks only). */
    void onNodes(List<NodeObject> nodes);

    /** A failure of a watch, retried already; the last good state stays. */
    void onError(ResolutionError error);

    /**
     * Where the client runs ({@link ClientTopology}'s attributes), once known and after each
     * change; before any {@link #onService} when it takes a read of the client's Node.
     */
    void onClientTopology(Map<String, String> attributes);

    /**
     * One of its watches did something on its own: {@code reconnect} or {@code relist} ({@link
     * ResourceWatch.Listener#onActivity}).
     */
    default void onActivity(String activity) {}
  }

  private final ScheduledExecutorService key;
  private final ApiConnection connection;
  private final ApiClient client;
  private final ApiTransport transport;
  private final SerialContext context;
  private final ResourceWatch.Runtime runtime;
  private final ResourceWatch.Options options;
  int users; // guarded by the ApiSource

  // In the hub's context:
  private final Map<String, ServiceWatcher> services = new HashMap<>();
  private final Set<Sink> nodeSinks = new LinkedHashSet<>();
  private ResourceWatch<NodeObject> nodeWatch;
  private List<NodeObject> nodes; // null until listed
  private final String clientNode; // the client's node, when its zone is read from its Node
  private ResourceWatch<NodeObject> clientNodeWatch;
  private Map<String, String> clientTopology; // null until known
  private boolean over;

  ApiHub(ApiConnection connection, ResolverContext first, ApiSource.Settings settings) {
    this.key = first.scheduler();
    this.connection = connection;
    this.client = new ApiClient(new ConnectionAccess(connection, first.clock()), settings.limits());
    this.transport = new RenewingTransport(client, connection.credentials());
    this.context = new SerialContext(first.blockingExecutor());
    this.runtime =
        new ResourceWatch.Runtime(context, first.scheduler(), first.clock(), settings.random());
    this.options = settings.watch();
    Environment env = first.environment();
    Optional<String> zone = ClientTopology.zone(env);
    Optional<String> node = ClientTopology.node(env);
    if (zone.isPresent() || node.isEmpty()) {
      this.clientNode = null;
      this.clientTopology = ClientTopology.attributes(env);
    } else {
      this.clientNode = node.get();
    }
  }

  ScheduledExecutorService key() {
    return key;
  }

  /** The connection its client uses. */
  ApiConnection connection() {
    return connection;
  }

  /** Adds {@code sink} to the watches of {@code namespace/service} (and of the Nodes). */
  void subscribe(String namespace, String service, boolean needsNodes, Sink sink) {
    context.execute(
        () -> {
          if (over) {
            return;
          }
          if (clientTopology != null) {
            sink.onClientTopology(clientTopology);
          } else {
            watchClientNode();
          }
          services
              .computeIfAbsent(
                  namespace + "/" + service, k -> new ServiceWatcher(this, namespace, service))
              .add(sink);
          if (needsNodes) {
            addNodeSink(sink);
          }
        });
  }

  /** Removes {@code sink}; a watch nobody hears any more stops. */
  void unsubscribe(String namespace, String service, Sink sink) {
    context.execute(
        () -> {
          String k = namespace + "/" + service;
          ServiceWatcher watcher = services.get(k);
          if (watcher != null && watcher.remove(sink)) {
            services.remove(k);
          }
          if (nodeSinks.remove(sink) && nodeSinks.isEmpty()) {
            stopNodes();
          }
        });
  }

  /**
   * Closes every watch, then the client, before it returns: the executors under the hub's context
   * may be stopped right after (a Discovery stops its own once its resolvers are closed).
   */
  void shutdown() {
    context.shutdown(
        () -> {
          over = true;
          services.values().forEach(ServiceWatcher::close);
          services.clear();
          nodeSinks.clear();
          stopNodes();
          if (clientNodeWatch != null) {
            clientNodeWatch.close();
          }
        });
    client.close();
  }

  <T> ResourceWatch<T> watch(
      ResourceQuery query,
      java.util.function.Function<java.util.Map<String, Object>, T> decoder,
      ResourceWatch.Listener<T> listener) {
    ResourceWatch<T> w = new ResourceWatch<>(transport, query, decoder, listener, runtime, options);
    w.start();
    return w;
  }

  private void addNodeSink(Sink sink) {
    nodeSinks.add(sink);
    if (nodeWatch == null) {
      nodeWatch =
          watch(
              ResourceQuery.nodes(),
              json -> ServiceWatcher.valueOf(NodeObject.parse(json)),
              new ResourceWatch.Listener<>() {
                @Override
                public void onSnapshot(SortedMap<String, NodeObject> current, String rv) {
                  nodes = List.copyOf(current.values());
                  nodeSinks.forEach(s -> s.onNodes(nodes));
                }

                @Override
                public void onError(ResolutionError error, boolean stillServingLastGood) {
                  nodeSinks.forEach(s -> s.onError(error));
                }

                @Override
                public void onActivity(String activity) {
                  nodeSinks.forEach(s -> s.onActivity(activity));
                }
              });
    } else if (nodes != null) {
      sink.onNodes(nodes);
    }
  }

  /**
   * Reads the zone of the client's Node, once per hub. A failure before any answer (no RBAC to read
   * Nodes, say) leaves the zone unknown, says so once and stops asking: zone-aware policies then
   * route as if no zone were known.
   */
  private void watchClientNode() {
    if (clientNodeWatch != null) {
      return;
    }
    clientNodeWatch =
        watch(
            ResourceQuery.node(clientNode),
            json -> ServiceWatcher.valueOf(NodeObject.parse(json)),
            new ResourceWatch.Listener<>() {
              @Override
              public void onSnapshot(SortedMap<String, NodeObject> current, String rv) {
                NodeObject self = current.get(clientNode);
                if (self == null && clientTopology == null) {
                  log.warn(
                      "The client's Node {} (from {}) does not exist; its zone is unknown, so"
                          + " zone-aware policies route as if no zone were known (expected: the"
                          + " name of this pod's node, or set {} to the zone)",
                      clientNode,
                      ClientTopology.NODE_VARIABLE,
                      ClientTopology.ZONE_VARIABLE);
                }
                setClientTopology(
                    ClientTopology.attributes(self == null ? null : self.zone(), clientNode));
              }

              @Override
              public void onError(ResolutionError error, boolean stillServingLastGood) {
                if (clientTopology != null) {
                  return; // known already: the watch retries on its own
                }
                log.warn(
                    "Could not read the client's Node {} for its zone ({}); zone-aware policies"
                        + " route as if no zone were known (expected: get, list and watch on"
                        + " nodes, or set {} to the zone)",
                    clientNode,
                    error.message(),
                    ClientTopology.ZONE_VARIABLE);
                clientNodeWatch.close();
                setClientTopology(ClientTopology.attributes(null, clientNode));
              }
            });
  }

  private void setClientTopology(Map<String, String> attributes) {
    if (attributes.equals(clientTopology)) {
      return;
    }
    clientTopology = attributes;
    for (ServiceWatcher w : services.values()) {
      w.sinks().forEach(s -> s.onClientTopology(attributes));
    }
  }

  private void stopNodes() {
    if (nodeWatch != null) {
      nodeWatch.close();
      nodeWatch = null;
      nodes = null;
    }
  }
}
