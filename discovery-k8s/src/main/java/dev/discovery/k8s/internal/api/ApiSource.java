package dev.discovery.k8s.internal.api;

import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * The state of one {@code k8s+api} provider: how it connects, and the watches its resolvers share.
 *
 * <p>Resolvers made with the same scheduler (those of one {@code Discovery}) share one {@link
 * ApiHub}: one connection, one HTTP client, one watcher per (namespace, Service) and one of the
 * Nodes. The hub is made by its first resolver and ended, client included, when its last resolver
 * closes; a later resolver makes a new one. Thread-safe.
 */
public final class ApiSource {
  /** How a provider makes its connection. */
  @FunctionalInterface
  public interface Connector {
    /**
     * The connection, read from {@code context}'s environment when the provider was not given one;
     * called on the blocking executor.
     */
    ApiConnection connect(ResolverContext context) throws ApiConfigException;
  }

  /**
   * A provider's settings.
   *
   * @param connector makes the connection
   * @param accessMode the access mode of targets that name none
   * @param watch how the watches list, watch, back off and detect stalls
   * @param random jitter of watch timeouts and backoff
   * @param limits sizes and times of the HTTP client's requests
   */
  public record Settings(
      Connector connector,
      AccessMode accessMode,
      ResourceWatch.Options watch,
      RandomGenerator random,
      ApiClient.Limits limits) {
    public Settings {
      Objects.requireNonNull(connector, "connector");
      Objects.requireNonNull(accessMode, "accessMode");
      Objects.requireNonNull(watch, "watch");
      Objects.requireNonNull(random, "random");
      Objects.requireNonNull(limits, "limits");
    }
  }

  private final Settings settings;
  private final Map<ScheduledExecutorService, ApiHub> hubs = new HashMap<>(); // guarded by this

  public ApiSource(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  /** A resolver of {@code target} sharing this source's watches. */
  public Resolver newResolver(KubernetesTarget target, ResolverContext context) {
    return new ApiResolver(target, context, this);
  }

  /**
   * The connection of {@code context}'s Discovery: that of its open hub, else loaded (from its
   * environment when the provider was given no settings; a failure is tried again by the next
   * resolver). It is not kept beyond the hub: the provider {@link java.util.ServiceLoader} finds is
   * one per JVM and serves every Discovery, each with its own environment. Called on the blocking
   * executor; loads without holding this lock.
   */
  ApiConnection connection(ResolverContext context) throws ApiConfigException {
    synchronized (this) {
      ApiHub hub = hubs.get(context.scheduler());
      if (hub != null) {
        return hub.connection();
      }
    }
    return settings.connector().connect(context);
  }

  /** The hub of {@code context}'s scheduler, made if needed, with one more user. */
  synchronized ApiHub acquire(ResolverContext context, ApiConnection connection) {
    ApiHub hub =
        hubs.computeIfAbsent(context.scheduler(), s -> new ApiHub(connection, context, settings));
    hub.users++;
    return hub;
  }

  /** One user fewer; the last one ends the hub. */
  synchronized void release(ApiHub hub) {
    if (--hub.users == 0) {
      hubs.remove(hub.key(), hub);
      hub.shutdown();
    }
  }

  /** How many hubs are open (for tests: none once every resolver closed). */
  public synchronized int openHubs() {
    return hubs.size();
  }

  @Override
  public String toString() {
    return "ApiSource[" + settings.accessMode() + ", " + settings.watch() + "]";
  }
}
