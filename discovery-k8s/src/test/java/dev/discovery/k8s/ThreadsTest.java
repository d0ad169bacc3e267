package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.ServiceWatch;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * After close(), no discovery-* thread is left; a library's own threads only from
 * docs/java-api.md's list (Threads).
 */
class ThreadsTest {
  /**
   * docs/java-api.md "Threads": dnsjava keeps one selector thread per JVM for its asynchronous I/O.
   */
  static final Set<String> ALLOWED_LIBRARY_THREADS = Set.of("dnsjava NIO selector");

  private static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  @Test
  void closedDiscovery_leavesOnlyAllowlistedLibraryThreads() throws Exception {
    Set<Thread> before = live();
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 2);
    try (FakeDnsServer dns = FakeDnsServer.start(cluster)) {
      Discovery discovery =
          Discovery.builder()
              .environment(DnsFixture.podEnvironment("shop"))
              .registry(ResolverRegistry.of(new DnsResolverProvider()))
              .build();
      ServiceWatch w = discovery.watch(dns.target("web.shop:grpc"));
      assertThat(w.first().toCompletableFuture().get(10, TimeUnit.SECONDS).size()).isEqualTo(2);
      discovery.close();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Set<String> left =
                  live().stream()
                      .filter(t -> !before.contains(t))
                      .map(Thread::getName)
                      .filter(n -> !ALLOWED_LIBRARY_THREADS.contains(n))
                      .filter(n -> !n.equals("awaitility-thread")) // this test's own poller
                      .collect(Collectors.toSet());
              assertThat(left).as("threads left 5 s after close()").isEmpty();
            });
  }

  /**
   * With {@code k8s+api}, the JDK HttpClient's selector thread ends once the client is collected
   * (docs/java-api.md "Threads"): no cancelled watch stream keeps it reachable.
   */
  @Test
  void closedDiscovery_withTheApiSource_leavesNoHttpClientSelector_onceCollected()
      throws Exception {
    Set<Thread> before = live();
    try (ApiFixture f = new ApiFixture()) {
      f.cluster.apply(
          Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
      f.cluster.scale(
          Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build(), 2);
      f.start();
      ServiceWatch w = f.watch("k8s+api:///web.shop:http");
      f.awaitSet(w, s -> s.size() == 2);
      f.discovery.close();
      f.discovery = null;
    }
    await()
        .atMost(ApiFixture.WAIT)
        .untilAsserted(
            () -> {
              System.gc(); // on Java 17 the selector ends when its client is collected
              assertThat(live())
                  .filteredOn(t -> !before.contains(t))
                  .extracting(Thread::getName)
                  .noneMatch(n -> n.startsWith("HttpClient-") || n.startsWith("discovery-"));
            });
  }
}
