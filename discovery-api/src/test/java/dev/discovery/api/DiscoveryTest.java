package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  private static Set<String> discoveryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("discovery-"))
        .collect(Collectors.toSet());
  }

  @Test
  void staticTarget_resolvesWithNoCluster_onTheSdksOwnThreads() throws Exception {
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build();
        ServiceWatch watch = discovery.watch("static:///127.0.0.1:8080,[::1]:8080")) {
      EndpointSet set = watch.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(set.kind()).isEqualTo(ServiceKind.STATIC);
      assertThat(set.source()).isEqualTo(Source.of("static"));
      assertThat(set.endpoints())
          .extracting(Endpoint::hostPort)
          .containsExactly("127.0.0.1:8080", "[::1]:8080");
      assertThat(watch.balancer(Policies.random()).pick().port()).isEqualTo(8080);
    }
  }

  /** Threads of libraries that may outlive a discovery (README "Threads"): none for this module. */
  private static final Set<String> ALLOWED_LIBRARY_THREADS = Set.of();

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  @Test
  void close_leavesNoDiscoveryThreadBehind() throws Exception {
    Set<Thread> before = liveThreads();
    Discovery discovery = Discovery.builder().environment(Environment.empty()).build();
    ServiceWatch a = discovery.watch("static:///127.0.0.1:80");
    ServiceWatch b = discovery.watch("static:///127.0.0.2:80");
    a.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
    b.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(discoveryThreads()).anyMatch(n -> n.startsWith("discovery-scheduler-"));

    discovery.close();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(discoveryThreads()).isEmpty());
    Set<String> others =
        liveThreads().stream()
            .filter(t -> !before.contains(t))
            .map(Thread::getName)
            .filter(n -> !ALLOWED_LIBRARY_THREADS.contains(n))
            .filter(n -> !n.equals("awaitility-thread")) // this test's own poller
            .collect(Collectors.toSet());
    assertThat(others).as("threads left behind").isEmpty();
    assertThatThrownBy(() -> discovery.watch("static:///127.0.0.1:80"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("discovery: closed (expected: watch before close())");
  }

  @Test
  void idleDiscovery_letsItsThreadsExit_andStartsThemAgainWhenNeeded() throws Exception {
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build()) {
      discovery
          .watch("static:///127.0.0.1:80")
          .first()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> discoveryThreads().isEmpty());
      ServiceWatch again = discovery.watch("static:///127.0.0.3:80");
      assertThat(again.first().toCompletableFuture().get(10, TimeUnit.SECONDS).size()).isEqualTo(1);
    }
  }

  @Test
  void registry_prefersHigherPriority_thenTheFirstRegistered() {
    ScriptedProvider low = new ScriptedProvider("fake");
    ResolverProvider high =
        new ResolverProvider() {
          @Override
          public String scheme() {
            return "fake";
          }

          @Override
          public int priority() {
            return 6;
          }

          @Override
          public Resolver newResolver(Target target, ResolverContext context) {
            throw new UnsupportedOperationException();
          }
        };
    assertThat(ResolverRegistry.of(low, high).provider("fake")).containsSame(high);
    ScriptedProvider second = new ScriptedProvider("fake");
    assertThat(ResolverRegistry.of(low, second).provider("fake")).containsSame(low);
    assertThat(ResolverRegistry.of(low).with(second).provider("fake")).containsSame(second);
  }

  @Test
  void providerThatThrows_becomesAnErrorOfTheWatch_notAnException() {
    FakeScheduler scheduler = FakeScheduler.create();
    ResolverProvider broken =
        new ResolverProvider() {
          @Override
          public String scheme() {
            return "fake";
          }

          @Override
          public Resolver newResolver(Target target, ResolverContext context) {
            throw new IllegalStateException("no config");
          }
        };
    try (Discovery discovery =
        Discovery.builder()
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .environment(Environment.empty())
            .registry(ResolverRegistry.of(broken))
            .build()) {
      ServiceWatch watch = discovery.watch("fake:///web");
      assertThat(watch.lastError().orElseThrow().message())
          .isEqualTo("resolver for fake:///web could not be created: no config");
    }
  }

  @Test
  void defaultRegistry_hasTheBuiltInSchemes() {
    assertThat(ResolverRegistry.defaultRegistry().schemes())
        .contains("static")
        .doesNotContain("k8s");
  }
}
