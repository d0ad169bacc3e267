package dev.discovery.k8s;

import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.k8s.internal.ClusterDefaults;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.clock.FakeScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A FakeCluster served by a real FakeDnsServer on loopback, and a Discovery whose time is a fake
 * clock: refresh timers fire when the test advances the clock, DNS traffic is real.
 */
final class DnsFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final FakeCluster cluster = FakeCluster.create();
  final FakeScheduler scheduler = FakeScheduler.create();
  FakeDnsServer dns;
  Discovery discovery;
  final List<WatchEvent> events = new CopyOnWriteArrayList<>();

  DnsFixture() {}

  DnsFixture start() {
    return start(podEnvironment("shop"));
  }

  DnsFixture start(Environment environment) {
    return start(DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(2)), environment);
  }

  DnsFixture start(DnsResolverProvider.Builder provider, Environment environment) {
    dns = FakeDnsServer.builder(cluster).ttl(Duration.ofSeconds(5)).start();
    discovery =
        Discovery.builder()
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .blockingExecutor(scheduler)
            .environment(environment)
            .registry(ResolverRegistry.of(provider.random(new Random(1)).build()))
            .build();
    return this;
  }

  /**
   * Services web (headless, port grpc, 3 pods) and api (ClusterIP, port http 80 -> 8080, 1 pod) in
   * namespace shop.
   */
  void webAndApi() {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);
    cluster.apply(
        Service.clusterIp("shop", "api").selector("app", "api").port("http", 80, 8080).build());
    cluster.apply(
        Pod.builder("shop", "api-0").label("app", "api").containerPort("http", 8080).build());
  }

  /**
   * What a pod in {@code namespace} sees (the nameserver line is data: targets name the server).
   */
  static Environment podEnvironment(String namespace) {
    return podEnvironment(
        namespace, namespace + ".svc.cluster.local svc.cluster.local cluster.local");
  }

  /** What a pod in {@code namespace} with this search list sees (ndots 5). */
  static Environment podEnvironment(String namespace, String searchList) {
    return Environment.of(
        Map.of("HOSTNAME", "client-0"),
        Map.of(
            ClusterDefaults.SERVICE_ACCOUNT_DIR.resolve(Path.of("namespace")),
            namespace,
            ClusterDefaults.RESOLV_CONF,
            "nameserver 10.96.0.10\nsearch " + searchList + "\noptions ndots:5\n"));
  }

  /** A watch of {@code k8s+dns://<fake server>/<name>}, with events recorded. */
  ServiceWatch watch(String nameAndPort) {
    ServiceWatch w = discovery.watch(dns.target(nameAndPort));
    w.subscribe(events::add);
    return w;
  }

  EndpointSet awaitSet(ServiceWatch w, Predicate<EndpointSet> condition) {
    try {
      await().atMost(WAIT).until(() -> w.current().filter(condition).isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      List<dev.discovery.testkit.DnsQuery> queries = dns.queries();
      throw new AssertionError(
          "no matching snapshot of "
              + w.target()
              + " within "
              + WAIT
              + ": current "
              + w.current().map(EndpointSet::summary).orElse("none")
              + ", last error "
              + w.lastError().orElse(null)
              + ", "
              + queries.size()
              + " queries, last "
              + (queries.isEmpty() ? "none" : queries.get(queries.size() - 1)));
    }
    return w.current().orElseThrow();
  }

  ResolutionError awaitError(ServiceWatch w) {
    await().atMost(WAIT).until(() -> w.lastError().isPresent());
    return w.lastError().orElseThrow();
  }

  /** Lets refresh timers fire, as if {@code d} had passed. */
  void advance(Duration d) {
    scheduler.advance(d);
  }

  /**
   * Advances the clock by {@code d} (at least up to the resolver's timer), then waits until the
   * resolution it started has finished: the resolver has set its next timer and no task is due. For
   * fixtures with one watch.
   */
  void advanceAndAwaitNextTimer(Duration d) {
    advance(d);
    await()
        .atMost(WAIT)
        .until(
            () ->
                scheduler
                    .nextTaskDelay()
                    .filter(delay -> delay.compareTo(Duration.ZERO) > 0)
                    .isPresent());
  }

  /** How many resolutions asked for {@code name}: its A queries. */
  long resolutions(String name) {
    return dns.queries().stream()
        .filter(q -> q.type().equals("A") && q.name().equalsIgnoreCase(name))
        .count();
  }

  long changes() {
    return events.stream().filter(e -> e instanceof WatchEvent.Changed).count();
  }

  @Override
  public void close() {
    if (discovery != null) {
      discovery.close();
    }
    if (dns != null) {
      dns.close();
    }
  }
}
