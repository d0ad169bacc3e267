package dev.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryEvent;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SimpleMeterRegistry follows real sources on loopback: the fake API server through a scripted
 * churn (scale up and down, a pod unready, one terminating, watches dropped and expired), and the
 * fake DNS server through an outage. Each step prints the registry's discovery meters.
 */
class DiscoveryMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Backoff FAST =
      new Backoff(Duration.ofMillis(50), 2.0, 0.5, Duration.ofMillis(300));

  private final FakeCluster cluster = FakeCluster.create();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private FakeApiServer api;
  private FakeDnsServer dns;
  private Discovery discovery;

  @AfterEach
  void close() {
    if (discovery != null) {
      discovery.close();
    }
    if (api != null) {
      api.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  private void web(int replicas) {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("http", 8080, "http").build());
    cluster.scale(pod(), replicas);
  }

  private static Pod pod() {
    return Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();
  }

  @Test
  void apiSource_churn_isSeenInGaugesCountersTheChangeDelayPicksAndReconnects() {
    api = FakeApiServer.builder(cluster).bookmarkInterval(Duration.ofMillis(300)).start();
    discovery =
        Discovery.builder()
            .environment(Environment.empty())
            .registry(
                ResolverRegistry.defaultRegistry()
                    .with(
                        ApiResolverProvider.builder()
                            .kubeconfig(api.kubeconfig())
                            .backoff(FAST)
                            .random(new Random(7))
                            .streamingList(false)
                            .build()))
            .countPicks(true)
            .build();
    new DiscoveryMetrics(discovery).bindTo(registry);
    String target = "k8s+api:///web.shop:http";
    web(3);

    ServiceWatch watch = discovery.watch(target);
    step("watch started, 3 ready pods", () -> endpoints(target, "ready") == 3);
    assertThat(endpoints(target, "total")).isEqualTo(3);
    assertThat(counter("discovery.resolutions", target, "result", "changed")).isGreaterThan(0);
    // The first snapshot measures no delay: the pods' change predates the watch.
    assertThat(registry.find("discovery.change.delay").timers()).isEmpty();

    Balancer random = watch.balancer(Policies.random());
    for (int i = 0; i < 300; i++) {
      random.pick();
    }
    step("300 random picks", () -> picks(target) == 300);
    assertThat(
            registry.find("discovery.picks").tag("target", target).functionCounters().stream()
                .filter(c -> !c.getId().getTag("endpoint").equals("other"))
                .count())
        .isEqualTo(3);

    cluster.scale(pod(), 5);
    // The API source's slices say when the controller acted: the delay to the watch is measured.
    step("scaled up to 5", () -> endpoints(target, "ready") == 5 && delays(target) > 0);
    Timer delay = registry.find("discovery.change.delay").tag("target", target).timer();

    cluster.setReady("shop", "web-0", false);
    step("web-0 unready", () -> endpoints(target, "ready") == 4 && endpoints(target, "total") == 5);
    assertThat(endpoints(target, "serving")).isEqualTo(4);

    cluster.startTerminating("shop", "web-1");
    step("web-1 terminating", () -> endpoints(target, "terminating") == 1);

    long delaysBefore = delay.count();
    cluster.scale(pod(), 2);
    step("scaled down to 2", () -> endpoints(target, "total") <= 2 && delay.count() > delaysBefore);

    int open = api.openWatches();
    api.faults().dropWatches();
    step("watches dropped", () -> activity(target, "reconnect") >= 1);

    // Only open streams hear the expiry: wait until every dropped watch has resumed.
    await().atMost(WAIT).until(() -> api.openWatches() >= open);
    api.faults().expireOpenWatches();
    step("watch history expired", () -> activity(target, "relist") >= 1);

    Endpoint some = watch.current().orElseThrow().endpoints().get(0);
    discovery
        .observer()
        .onEvent(
            new DiscoveryEvent.EndpointEjected(
                target, some, "outlier", "5 consecutive failures", Duration.ofSeconds(30)));
    step("an endpoint ejected by a policy", () -> endpoints(target, "ejected") == 1);
    assertThat(counter("discovery.endpoint.ejections", target, "policy", "outlier")).isEqualTo(1);
    discovery.observer().onEvent(new DiscoveryEvent.EndpointReturned(target, some, "outlier"));
    step("and returned", () -> endpoints(target, "ejected") == 0);
    assertThat(counter("discovery.endpoint.returns", target, "policy", "outlier")).isEqualTo(1);
    assertThat(gauge("discovery.failing", target)).isZero();
    assertThat(gauge("discovery.staleness", target)).isGreaterThanOrEqualTo(0);

    watch.close();
    step("watch closed", () -> registry.find("discovery.endpoints").gauges().isEmpty());
    assertThat(registry.getMeters().stream().filter(m -> target.equals(tag(m, "target"))))
        .isEmpty();
  }

  @Test
  void dnsSource_outage_isCountedAsFailures_thenAnOutageOnceTheServerIsBack() {
    web(2);
    dns = FakeDnsServer.builder(cluster).ttl(Duration.ofSeconds(1)).start();
    discovery =
        Discovery.builder()
            .environment(Environment.empty())
            .registry(
                ResolverRegistry.of(
                    DnsResolverProvider.builder()
                        .queryTimeout(Duration.ofMillis(200))
                        .minRefresh(Duration.ofMillis(100))
                        .backoff(FAST)
                        .random(new Random(1))
                        .build()))
            .build();
    new DiscoveryMetrics(discovery).bindTo(registry);
    String target = dns.target("web.shop:http");

    discovery.watch(target);
    step("DNS watch started, 2 pods", () -> endpoints(target, "ready") == 2);
    assertThat(registry.find("discovery.change.delay").timers()).isEmpty(); // DNS cannot tell

    dns.stop();
    step(
        "DNS server stopped",
        () ->
            gauge("discovery.failing", target) == 1
                && counter("discovery.resolution.failures", target, "error.kind", "unavailable")
                    >= 2);
    assertThat(endpoints(target, "ready")).isEqualTo(2); // the last good list stays

    dns.restart();
    step(
        "DNS server back",
        () -> {
          Timer outages = registry.find("discovery.outages").tag("target", target).timer();
          return gauge("discovery.failing", target) == 0 && outages != null && outages.count() == 1;
        });
    assertThat(gauge("discovery.staleness", target)).isLessThan(WAIT.toSeconds());
  }

  /** Waits for {@code condition}, then prints the discovery meters. */
  private void step(String what, Callable<Boolean> condition) {
    try {
      await().atMost(WAIT).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "step \""
              + what
              + "\" not reached within "
              + WAIT
              + ":\n"
              + dump()
              + "\nstatus:\n"
              + discovery.status());
    }
    System.out.println("== " + what + "\n" + dump());
  }

  private String dump() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("discovery."))
        .sorted(Comparator.comparing(m -> m.getId().toString()))
        .map(DiscoveryMetricsTest::line)
        .collect(Collectors.joining("\n"));
  }

  private static String line(Meter m) {
    String tags =
        m.getId().getTags().stream()
            .filter(t -> !t.getKey().equals("target"))
            .map(t -> t.getKey() + "=" + t.getValue())
            .collect(Collectors.joining(",", "{", "}"));
    String value;
    if (m instanceof Timer t) {
      value = "count=" + t.count() + " max=" + Duration.ofNanos((long) t.max(TimeUnit.NANOSECONDS));
    } else {
      value =
          String.valueOf(
              m.measure().iterator().hasNext() ? m.measure().iterator().next().getValue() : "-");
    }
    return "  " + m.getId().getName() + tags + " " + value;
  }

  private static String tag(Meter m, String key) {
    return m.getId().getTag(key);
  }

  private double endpoints(String target, String state) {
    Gauge g =
        registry.find("discovery.endpoints").tag("target", target).tag("state", state).gauge();
    return g == null ? Double.NaN : g.value();
  }

  private double gauge(String name, String target) {
    Gauge g = registry.find(name).tag("target", target).gauge();
    return g == null ? Double.NaN : g.value();
  }

  private double counter(String name, String target, String key, String value) {
    Counter c = registry.find(name).tag("target", target).tag(key, value).counter();
    return c == null ? 0 : c.count();
  }

  private long delays(String target) {
    Timer t = registry.find("discovery.change.delay").tag("target", target).timer();
    return t == null ? 0 : t.count();
  }

  private double activity(String target, String activity) {
    return counter("discovery.source.activity", target, "activity", activity);
  }

  /** Reads every meter, as a registry's publication does (picks counters appear then). */
  private void scrape() {
    registry.getMeters().forEach(m -> m.measure().forEach(Measurement::getValue));
  }

  private double picks(String target) {
    scrape();
    return registry.find("discovery.picks").tag("target", target).functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .filter(v -> !Double.isNaN(v))
        .sum();
  }
}
