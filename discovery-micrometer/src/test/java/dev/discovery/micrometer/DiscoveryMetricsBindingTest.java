package dev.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binder's meters over a static target: appear with the watch, follow it, go with it. */
class DiscoveryMetricsBindingTest {
  private static final String TARGET = "static:///10.0.0.1:80,10.0.0.2:80";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Discovery discovery =
      Discovery.builder().environment(Environment.empty()).countPicks(true).build();

  @AfterEach
  void close() {
    discovery.close();
  }

  @Test
  void picksPerEndpoint_areFunctionCounters_registeredAtTheNextScrape() {
    new DiscoveryMetrics(discovery).bindTo(registry);
    ServiceWatch watch = discovery.watch(TARGET);
    watch.first().toCompletableFuture().join();
    Balancer sticky = watch.balancer(Policies.sticky());
    Map<String, Double> expected = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      expected.merge(sticky.pick("k" + i).hostPort(), 1.0, Double::sum);
    }
    // The status gauges read at a scrape are taken at most every 100 ms: scrape until they show.
    await().atMost(Duration.ofSeconds(10)).until(() -> scrape().equals(expected));
    assertThat(registry.find("discovery.picks").tag("endpoint", "other").functionCounter().count())
        .isZero();

    watch.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  /** Reads every meter, as a registry's publication does; then the picks per endpoint. */
  private Map<String, Double> scrape() {
    registry.getMeters().forEach(m -> m.measure().forEach(Measurement::getValue));
    Map<String, Double> counted = new TreeMap<>();
    for (FunctionCounter c : registry.find("discovery.picks").functionCounters()) {
      if (!c.getId().getTag("endpoint").equals(DiscoveryMetrics.OTHER_ENDPOINTS)) {
        counted.put(c.getId().getTag("endpoint"), c.count());
      }
    }
    return counted;
  }
}
