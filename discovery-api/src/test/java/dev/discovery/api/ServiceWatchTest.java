package dev.discovery.api;

import static dev.discovery.api.Endpoints.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.spi.ResolverRegistry;
import dev.discovery.spi.UriTarget;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceWatchTest {
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final ScriptedProvider scripted = new ScriptedProvider("fake");
  private final Discovery discovery =
      ScriptedProvider.discovery(scheduler, ResolverRegistry.of(scripted));
  private final List<WatchEvent> events = new ArrayList<>();

  @AfterEach
  void close() {
    discovery.close();
  }

  @Test
  void change_isPublishedWithANewRevision_andAnUnchangedResultIsNot() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    watch.subscribe(events::add);
    ScriptedProvider.Scripted r = scripted.only();

    r.publish(ready("10.0.0.1", 80), ready("10.0.0.2", 80));
    r.publish(ready("10.0.0.2", 80), ready("10.0.0.1", 80)); // same set, other order
    r.publish(ready("10.0.0.2", 80));

    assertThat(events).hasSize(2).allMatch(e -> e instanceof WatchEvent.Changed);
    WatchEvent.Changed second = (WatchEvent.Changed) events.get(1);
    assertThat(second.previous().revision()).isEqualTo(1);
    assertThat(second.current().revision()).isEqualTo(2);
    assertThat(second.current().endpoints()).containsExactly(ready("10.0.0.2", 80));
    assertThat(watch.current()).contains(second.current());
  }

  @Test
  void unchangedResult_resetsStaleness_withoutNotifying() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80));
    watch.subscribe(events::add);
    events.clear();

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(watch.staleness()).isEqualTo(Duration.ofSeconds(30));
    r.publish(ready("10.0.0.1", 80));
    assertThat(watch.staleness()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void failure_keepsTheLastGoodList_exposesTheError_andRecovers() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    watch.subscribe(events::add);
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80));
    EndpointSet good = watch.current().orElseThrow();

    scheduler.advance(Duration.ofSeconds(5));
    ResolutionError down = ResolutionError.unavailable("DNS server 127.0.0.1:53 timed out");
    r.fail(down);
    r.fail(down); // the same error again is not news

    assertThat(watch.current()).contains(good);
    assertThat(watch.lastError()).contains(down);
    assertThat(watch.staleness()).isEqualTo(Duration.ofSeconds(5));
    assertThat(events).hasSize(2);
    WatchEvent.Failed failed = (WatchEvent.Failed) events.get(1);
    assertThat(failed.lastGood()).isEqualTo(good);
    assertThat(failed.staleness()).isEqualTo(Duration.ofSeconds(5));

    r.publish(ready("10.0.0.1", 80));
    assertThat(watch.lastError()).isEmpty();
    assertThat(events.get(2)).isEqualTo(new WatchEvent.Recovered(watch.target(), good));
  }

  @Test
  void first_completesWithTheFirstSnapshot() throws Exception {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    CompletableFuture<EndpointSet> first = watch.first().toCompletableFuture();
    assertThat(first).isNotDone();
    scripted.only().publish(ready("10.0.0.1", 80));
    assertThat(first.get().endpoints()).containsExactly(ready("10.0.0.1", 80));
    assertThat(watch.first().toCompletableFuture()).isCompletedWithValue(first.get());
  }

  @Test
  void first_failsWithTheErrorIfResolutionFailsBeforeAnySuccess_andSucceedsOnceResolved() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    CompletableFuture<EndpointSet> first = watch.first().toCompletableFuture();
    scripted.only().fail(ResolutionError.unavailable("connection refused by 127.0.0.1:53"));
    assertThatThrownBy(first::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ResolutionException.class)
        .hasMessage("connection refused by 127.0.0.1:53");

    assertThat(watch.first().toCompletableFuture())
        .as("while the last attempt failed, first() fails at once")
        .isCompletedExceptionally();
    scripted.only().publish(ready("10.0.0.1", 80));
    assertThat(watch.first().toCompletableFuture()).isCompleted();
  }

  @Test
  void listenersAndBalancers_getASnapshotBefore_currentShowsIt() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    Balancer balancer = watch.balancer(Policies.random());
    List<String> seenByListener = new ArrayList<>();
    watch.subscribe(
        e -> {
          if (e instanceof WatchEvent.Changed c) {
            seenByListener.add(
                c.current().revision()
                    + " while current() is "
                    + watch.current().map(EndpointSet::revision).orElse(0L)
                    + " and the balancer picks "
                    + balancer.pick().hostPort());
          }
        });
    scripted.only().publish(ready("10.0.0.1", 80));
    scripted.only().publish(ready("10.0.0.2", 80));
    assertThat(seenByListener)
        .containsExactly(
            "1 while current() is 0 and the balancer picks 10.0.0.1:80",
            "2 while current() is 1 and the balancer picks 10.0.0.2:80");
  }

  @Test
  void lateSubscriber_getsTheCurrentSnapshotFirst() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    scripted.only().publish(ready("10.0.0.1", 80));
    watch.subscribe(events::add);
    assertThat(events)
        .singleElement()
        .isEqualTo(new WatchEvent.Changed(watch.target(), null, watch.current().orElseThrow()));
  }

  @Test
  void throwingListener_isIsolated_othersGetEveryEventInOrder() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    watch.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    watch.subscribe(events::add);
    ScriptedProvider.Scripted r = scripted.only();
    r.publish(ready("10.0.0.1", 80));
    r.publish(ready("10.0.0.2", 80));
    assertThat(events)
        .extracting(e -> ((WatchEvent.Changed) e).current().revision())
        .containsExactly(1L, 2L);
  }

  @Test
  void unsubscribed_listenerHearsNothingMore() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    Subscription s = watch.subscribe(events::add);
    scripted.only().publish(ready("10.0.0.1", 80));
    s.close();
    scripted.only().publish(ready("10.0.0.2", 80));
    assertThat(events).hasSize(1);
  }

  @Test
  void watchesOfOneTarget_shareOneResolver_closedWithTheLastWatch() {
    ServiceWatch a = discovery.watch("fake:///web.shop");
    ServiceWatch b = discovery.watch(discovery.registry().parse("fake:///web.shop"));
    ServiceWatch other = discovery.watch("fake:///api.shop");
    assertThat(scripted.resolvers).hasSize(2);

    ScriptedProvider.Scripted web = scripted.resolvers.get(0);
    web.publish(ready("10.0.0.1", 80));
    assertThat(b.current()).isEqualTo(a.current());

    a.close();
    assertThat(web.closed).isFalse();
    b.close();
    assertThat(web.closed).isTrue();
    other.close();
  }

  @Test
  void refresh_reachesTheResolver() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    watch.refresh();
    assertThat(scripted.only().refreshes).hasValue(1);
  }

  @Test
  void unknownScheme_isRefused_namingTheInstalledSchemes() {
    assertThatThrownBy(() -> discovery.watch("k8s+api:///web.shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "scheme: \"k8s+api\" in \"k8s+api:///web.shop\" has no resolver installed (expected"
                + " one of: fake)");
  }

  @Test
  void targetWithoutProvider_failsTheWatch_namingTheInstalledSchemes() {
    ServiceWatch watch = discovery.watch(new UriTarget("k8s+api", "", "web.shop"));
    assertThat(watch.lastError())
        .contains(
            ResolutionError.misconfigured("no resolver for scheme k8s+api (installed: fake)"));
    assertThatThrownBy(() -> watch.first().toCompletableFuture().join())
        .hasMessageContaining("no resolver for scheme k8s+api (installed: fake)");
  }

  @Test
  void closedWatch_refusesNewSubscribers() {
    ServiceWatch watch = discovery.watch("fake:///web.shop");
    watch.close();
    watch.close(); // idempotent
    assertThatThrownBy(() -> watch.subscribe(events::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("watch of fake:///web.shop: closed (expected: open)");
  }

  @Test
  void badTarget_throwsWithTheParsersMessage() {
    assertThatThrownBy(() -> discovery.watch("fake:/web"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "target: \"fake:/web\" has no scheme (expected: <scheme>://[authority]/<path>, e.g."
                + " k8s:///web.shop:grpc or static:///10.0.0.1:80)");
  }
}
