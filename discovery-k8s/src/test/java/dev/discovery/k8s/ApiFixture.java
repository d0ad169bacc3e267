package dev.discovery.k8s;

import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A FakeCluster served by the testkit's fake API server over verified TLS on loopback, and a
 * Discovery on real time whose {@code k8s+api} provider is configured from the server's kubeconfig,
 * with a short backoff so that retries come quickly.
 */
final class ApiFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Backoff FAST = new Backoff(Duration.ofMillis(50), 2.0, 0.5, Duration.ofMillis(500));

  final FakeCluster cluster;
  final FakeApiServer api;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  Discovery discovery;

  ApiFixture() {
    this(FakeCluster.create());
  }

  ApiFixture(FakeCluster cluster) {
    this.cluster = cluster;
    this.api = FakeApiServer.builder(cluster).bookmarkInterval(Duration.ofMillis(300)).start();
  }

  /** The provider's builder on the server's kubeconfig, fast backoff, seeded, plain lists. */
  ApiResolverProvider.Builder provider() {
    return ApiResolverProvider.builder()
        .kubeconfig(api.kubeconfig())
        .backoff(FAST)
        .random(new Random(7))
        .idleTimeout(Duration.ofSeconds(5))
        .streamingList(false);
  }

  /** The builder without kubeconfig: the fake server, its CA, fast backoff, nothing else. */
  ApiResolverProvider.Builder explicit() {
    return ApiResolverProvider.builder()
        .server(api.url())
        .caPem(api.caCertificatePem())
        .backoff(FAST);
  }

  /** What the cluster's pods of {@code app=<app>} in shop say, as endpoints on {@code port}. */
  Set<Endpoint> podsAsEndpoints(String app, int port) {
    return cluster.pods("shop").stream()
        .filter(p -> app.equals(p.labels().get("app")))
        .map(
            p -> {
              Endpoint.Builder b =
                  Endpoint.builder(p.ip(), port)
                      .serving(p.ready())
                      .terminating(p.terminating())
                      .ready(p.ready() && !p.terminating());
              if (p.zone() != null) {
                b.zone(p.zone());
              }
              if (p.node() != null) {
                b.node(p.node());
              }
              return b.build();
            })
        .collect(Collectors.toSet());
  }

  /** Endpoints without their attributes (pod name, hints), for comparing with the pods. */
  static Set<Endpoint> plain(EndpointSet set) {
    return set.endpoints().stream()
        .map(
            e ->
                new Endpoint(
                    e.address(),
                    null,
                    e.zone(),
                    e.node(),
                    e.ready(),
                    e.serving(),
                    e.terminating(),
                    Map.of()))
        .collect(Collectors.toSet());
  }

  ApiFixture start() {
    return start(provider().build());
  }

  /** A Discovery with the default providers, {@code providers} winning over them. */
  ApiFixture start(ResolverProvider... providers) {
    return start(Environment.empty(), providers);
  }

  ApiFixture start(Environment environment, ResolverProvider... providers) {
    ResolverRegistry registry = ResolverRegistry.defaultRegistry();
    for (ResolverProvider p : providers) {
      registry = registry.with(p);
    }
    discovery = Discovery.builder().environment(environment).registry(registry).build();
    return this;
  }

  ServiceWatch watch(String target) {
    return discovery.watch(target);
  }

  /** Closed with the fixture, before the server. */
  <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  EndpointSet awaitSet(ServiceWatch w, Predicate<EndpointSet> condition) {
    try {
      await().atMost(WAIT).until(() -> w.current().filter(condition).isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "no matching snapshot of "
              + w.target()
              + " within "
              + WAIT
              + ": current "
              + w.current().map(EndpointSet::summary).orElse("none")
              + ", last error "
              + w.lastError().orElse(null)
              + ", requests "
              + api.requests());
    }
    return w.current().orElseThrow();
  }

  ResolutionError awaitError(ServiceWatch w, Predicate<ResolutionError> condition) {
    try {
      await().atMost(WAIT).until(() -> w.lastError().filter(condition).isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "no matching error of "
              + w.target()
              + " within "
              + WAIT
              + ": last error "
              + w.lastError().orElse(null)
              + ", current "
              + w.current().map(EndpointSet::summary).orElse("none"));
    }
    return w.lastError().orElseThrow();
  }

  long count(String verb, String resource) {
    return api.requests().count(verb, resource);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (discovery != null) {
      discovery.close();
    }
    api.close();
  }
}
