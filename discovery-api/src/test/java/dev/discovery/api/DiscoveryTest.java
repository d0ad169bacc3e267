package dev.discovery.api;

import static dev.discovery.api.Endpoints.ready;
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
import java.util.concurrent.CompletableFuture;
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
      EndpointSet set = watch.first().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(set.kind()).isEqualTo(ServiceKind.STATIC);
      assertThat(set.source()).isEqualTo(Source.of("static"));
      assertThat(set.endpoints())
          .extracting(Endpoint::hostPort)
          .containsExactly("127.0.0.1:8080", "[::1]:8080");
      assertThat(watch.balancer(Policies.random()).pick().port()).isEqualTo(8080);
    }
  }

  /** Threads of libraries that may outlive a discovery (docs/java-api.md, "Threads"): none for this module. */
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
    a.first().toCompletableFuture().get(30, TimeUnit.SECONDS);
    b.first().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(discoveryThreads()).anyMatch(n -> n.startsWith("discovery-scheduler-"));

    discovery.close();
    await()
        .atMost(Duration.ofSeconds(30))
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

  /** A discovery on the threads it starts itself, with {@code provider} as its only source. */
  private static Discovery onItsOwnThreads(ResolverProvider provider) {
    return Discovery.builder()
        .environment(Environment.empty())
        .registry(ResolverRegistry.of(provider))
        .build();
  }

  /**
   * On the discovery's own threads, close() races the resolver's start: whatever the interleaving,
   * when close() returns the pending first() has failed saying why and the resolver is closed.
   */
  @Test
  void close_withFirstPending_failsFirst_andClosesTheResolver_beforeReturning() {
    int runs = 200;
    int started = 0;
    for (int i = 0; i < runs; i++) {
      ScriptedProvider scripted = new ScriptedProvider("fake");
      Discovery discovery = onItsOwnThreads(scripted);
      CompletableFuture<EndpointSet> first =
          discovery.watch("fake:///web.shop").first().toCompletableFuture();

      discovery.close();

      assertThat(first).as("run %d: first() once close() returned", i).isCompletedExceptionally();
      assertThatThrownBy(first::join)
          .as("run %d", i)
          .cause()
          .isInstanceOf(ResolutionException.class)
          .hasMessage("watch of fake:///web.shop ended: its Discovery was closed");
      for (ScriptedProvider.Scripted r : scripted.all()) {
        assertThat(r.closed).as("run %d: resolver closed once close() returned", i).isTrue();
        started++;
      }
    }
    System.out.printf(
        "[figures] close() with first() pending: %d runs, resolver created before close in %d%n",
        runs, started);
  }

  @Test
  void close_fromAListener_closesOtherWatchesAtOnce_andTheListenersRightAfterIt() {
    ScriptedProvider scripted = new ScriptedProvider("fake");
    Discovery discovery = onItsOwnThreads(scripted);
    ServiceWatch web = discovery.watch("fake:///web.shop");
    CompletableFuture<EndpointSet> api =
        discovery.watch("fake:///api.shop").first().toCompletableFuture();
    await() // both resolvers started, on the discovery's threads
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                scripted.all().size() == 2
                    && scripted.all().stream().allMatch(r -> r.listener != null));
    ScriptedProvider.Scripted webResolver =
        scripted.all().stream()
            .filter(r -> r.target.toString().equals("fake:///web.shop"))
            .findFirst()
            .orElseThrow();
    CompletableFuture<String> seenInListener = new CompletableFuture<>();
    web.subscribe(
        event -> {
          discovery.close();
          seenInListener.complete(
              "api first() failed: "
                  + api.isCompletedExceptionally()
                  + ", web resolver closed: "
                  + webResolver.closed);
        });
    webResolver.publish(ready("10.0.0.1", 80));

    assertThat(seenInListener)
        .succeedsWithin(Duration.ofSeconds(30))
        .isEqualTo("api first() failed: true, web resolver closed: false");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(webResolver.closed).as("web resolver closed").isTrue();
              assertThat(discoveryThreads()).isEmpty();
            });
  }

  @Test
  void idleDiscovery_letsItsThreadsExit_andStartsThemAgainWhenNeeded() throws Exception {
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build()) {
      discovery
          .watch("static:///127.0.0.1:80")
          .first()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> discoveryThreads().isEmpty());
      ServiceWatch again = discovery.watch("static:///127.0.0.3:80");
      assertThat(again.first().toCompletableFuture().get(30, TimeUnit.SECONDS).size()).isEqualTo(1);
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
