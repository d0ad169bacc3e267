package dev.discovery.grpc.internal;

import static dev.discovery.grpc.internal.FakeHelper.address;
import static dev.discovery.grpc.internal.FakeHelper.groups;
import static dev.discovery.grpc.internal.FakeHelper.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.grpc.internal.FakeHelper.FakeSubchannel;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.testkit.clock.FakeClock;
import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoveryLoadBalancerTest {
  private static final InetSocketAddress A = address("10.0.0.1", 8080);
  private static final InetSocketAddress B = address("10.0.0.2", 8080);
  private static final InetSocketAddress C = address("10.0.0.3", 8080);
  private static final InetSocketAddress D = address("10.0.0.4", 8080);
  private static final Metadata.Key<String> SESSION =
      Metadata.Key.of("x-session-id", Metadata.ASCII_STRING_MARSHALLER);

  private final FakeHelper helper = new FakeHelper();
  private final FakeClock clock = FakeClock.create();

  private DiscoveryLoadBalancer balancer(PolicyConfig unconfigured) {
    return new DiscoveryLoadBalancer(helper, unconfigured, clock);
  }

  private DiscoveryLoadBalancer random() {
    return balancer(PolicyConfig.unconfigured(Policies.random()));
  }

  private static PolicyConfig sticky(Object... options) {
    List<Object> all = new ArrayList<>(List.of("header", "x-session-id"));
    all.addAll(List.of(options));
    return PolicyConfig.parse(Policies.sticky(), json(all.toArray()));
  }

  private void resolve(DiscoveryLoadBalancer lb, Object config, List<EquivalentAddressGroup> gs) {
    helper.inContext(
        () ->
            assertThat(
                    lb.acceptResolvedAddresses(
                        ResolvedAddresses.newBuilder()
                            .setAddresses(gs)
                            .setLoadBalancingPolicyConfig(config)
                            .build()))
                .isEqualTo(Status.OK));
  }

  private void resolve(DiscoveryLoadBalancer lb, InetSocketAddress... addresses) {
    resolve(lb, null, groups(addresses));
  }

  private void ready(InetSocketAddress... addresses) {
    for (InetSocketAddress a : addresses) {
      helper.subchannel(a).report(ConnectivityState.CONNECTING);
      helper.subchannel(a).report(ConnectivityState.READY);
    }
  }

  private static Metadata session(String key) {
    Metadata m = new Metadata();
    m.put(SESSION, key);
    return m;
  }

  private Set<InetSocketAddress> picked(int picks) {
    Set<InetSocketAddress> seen = new HashSet<>();
    for (int i = 0; i < picks; i++) {
      seen.add(address(helper.pick()));
    }
    return seen;
  }

  @Test
  void manySubchannelsTurningReadyTogether_buildOnePicker() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B, C, D);
    int before = helper.stateUpdates;
    helper.inContext(
        () -> {
          for (InetSocketAddress a : List.of(A, B, C, D)) {
            helper.subchannel(a).report(ConnectivityState.READY);
          }
        });
    assertThat(helper.stateUpdates - before).as("one update for four reports").isEqualTo(1);
    assertThat(helper.state).isEqualTo(ConnectivityState.READY);
    assertThat(picked(400)).containsExactlyInAnyOrder(A, B, C, D);
  }

  @Test
  void resolve_createsOneSubchannelPerEndpoint_andAsksEachToConnect() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B, C);

    assertThat(helper.open())
        .extracting(FakeSubchannel::address)
        .containsExactlyInAnyOrder(A, B, C);
    assertThat(helper.open()).allMatch(s -> s.connectionRequests == 1);
    assertThat(helper.open())
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().get(dev.discovery.grpc.DiscoveryGrpc.ENDPOINT))
                    .isNotNull());
    assertThat(helper.state).isEqualTo(ConnectivityState.IDLE);
  }

  @Test
  void resolveAgain_reusesSubchannelsByIdentity_andShutsDownThoseWhoseEndpointLeft() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B, C);
    FakeSubchannel a = helper.subchannel(A);
    FakeSubchannel c = helper.subchannel(C);
    ready(A, B, C);

    resolve(lb, C, D, A);

    assertThat(helper.created).hasSize(4);
    assertThat(helper.subchannel(A)).isSameAs(a);
    assertThat(helper.subchannel(C)).isSameAs(c);
    assertThat(helper.created.get(1).shutdown).as("B's subchannel").isTrue();
    assertThat(helper.open())
        .extracting(FakeSubchannel::address)
        .containsExactlyInAnyOrder(A, C, D);
    assertThat(picked(500)).containsExactlyInAnyOrder(A, C);
    assertThat(lb.subchannels()).isEqualTo(3);
  }

  /** As grpc's MultiChildLoadBalancer: no call may pick a subchannel already shut down. */
  @ParameterizedTest
  @ValueSource(strings = {"random", "sticky"})
  void endpointsLeaving_areDroppedFromThePickerBeforeTheirSubchannelsShutDown(String policy) {
    DiscoveryLoadBalancer lb = policy.equals("random") ? random() : balancer(sticky());
    resolve(lb, A, B, C);
    ready(A, B, C);
    helper.calls.clear();

    resolve(lb, A);

    assertThat(helper.calls).containsExactly("picker READY", "shutdown " + B, "shutdown " + C);
    helper.calls.clear();

    resolve(lb);

    assertThat(helper.calls).containsExactly("picker TRANSIENT_FAILURE", "shutdown " + A);
  }

  @Test
  void random_picksOnlyReadySubchannels() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B, C);
    ready(A);
    helper.subchannel(B).report(ConnectivityState.CONNECTING);
    helper.subchannel(C).fail(Status.UNAVAILABLE.withDescription("connection refused"));

    assertThat(picked(1000)).containsExactly(A);

    ready(B);
    assertThat(picked(1000)).containsExactlyInAnyOrder(A, B);

    helper.subchannel(A).report(ConnectivityState.IDLE);
    assertThat(picked(1000)).containsExactly(B);
  }

  @Test
  void state_isReadyIfAnyIsReady_elseConnecting_elseTransientFailureWithTheLastFailure() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B);
    helper.subchannel(A).report(ConnectivityState.CONNECTING);
    assertThat(helper.state).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(helper.pick().hasResult()).as("a call waits while connecting").isFalse();

    helper.subchannel(B).report(ConnectivityState.CONNECTING);
    helper.subchannel(B).report(ConnectivityState.READY);
    assertThat(helper.state).isEqualTo(ConnectivityState.READY);

    helper.subchannel(A).fail(Status.UNAVAILABLE.withDescription("connection refused A"));
    assertThat(helper.state).isEqualTo(ConnectivityState.READY);
    helper.subchannel(B).fail(Status.UNAVAILABLE.withDescription("connection refused B"));

    assertThat(helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    PickResult failed = helper.pick();
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failed.getStatus().getDescription())
        .isEqualTo("web.shop: none of 2 endpoints is READY; last failure: connection refused B");
  }

  @Test
  void transientFailure_asksForReResolution_andCountsAsFailingWhileItRetries() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A);
    helper.subchannel(A).fail(Status.UNAVAILABLE.withDescription("refused"));
    assertThat(helper.refreshes).isEqualTo(1);

    helper.subchannel(A).report(ConnectivityState.CONNECTING);
    assertThat(helper.state)
        .as("a reconnect attempt does not flap the channel to CONNECTING")
        .isEqualTo(ConnectivityState.TRANSIENT_FAILURE);

    helper.subchannel(A).report(ConnectivityState.READY);
    assertThat(helper.state).isEqualTo(ConnectivityState.READY);
    assertThat(address(helper.pick())).isEqualTo(A);
  }

  @Test
  void lostConnection_takesTheEndpointOutOfRotation_asksForReResolution_andReconnects() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B);
    ready(A, B);
    FakeSubchannel a = helper.subchannel(A);

    a.report(ConnectivityState.IDLE);

    assertThat(helper.refreshes).isEqualTo(1);
    assertThat(a.connectionRequests).isEqualTo(2);
    assertThat(picked(500)).containsExactly(B);
  }

  @Test
  void emptyAddressList_shutsDownEverySubchannel_andFailsCallsWithTheReason() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B);
    ready(A, B);

    resolve(
        lb,
        null,
        ResolvedAddresses.newBuilder()
            .setAddresses(List.of())
            .setAttributes(
                Attributes.newBuilder()
                    .set(
                        DiscoveryNameResolver.EMPTY_REASON,
                        "fake:///web.shop: the Service has no endpoints")
                    .build())
            .build());

    assertThat(helper.open()).isEmpty();
    assertThat(helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    assertThat(helper.pick().getStatus().getDescription())
        .isEqualTo("fake:///web.shop: the Service has no endpoints");
  }

  private void resolve(DiscoveryLoadBalancer lb, Object config, ResolvedAddresses resolved) {
    helper.inContext(
        () ->
            lb.acceptResolvedAddresses(
                resolved.toBuilder().setLoadBalancingPolicyConfig(config).build()));
  }

  @Test
  void nameResolutionError_beforeAnyAddress_failsCalls_afterwards_keepsTheLastGoodEndpoints() {
    DiscoveryLoadBalancer lb = random();
    Status down = Status.UNAVAILABLE.withDescription("fake:///web.shop: name resolution failed");
    helper.inContext(() -> lb.handleNameResolutionError(down));
    assertThat(helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    assertThat(helper.pick().getStatus()).isEqualTo(down);

    resolve(lb, A);
    ready(A);
    helper.inContext(() -> lb.handleNameResolutionError(down));

    assertThat(helper.state).isEqualTo(ConnectivityState.READY);
    assertThat(helper.open()).hasSize(1);
    assertThat(address(helper.pick())).isEqualTo(A);
  }

  @Test
  void shutdown_shutsDownEverySubchannel_andIgnoresLateStateReports() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, A, B, C);
    ready(A);
    ConnectivityState before = helper.state;

    helper.inContext(lb::shutdown);
    helper.created.get(1).report(ConnectivityState.READY);

    assertThat(helper.created).allMatch(s -> s.shutdown);
    assertThat(lb.subchannels()).isZero();
    assertThat(helper.state).isEqualTo(before);
  }

  @Test
  void groupsOfOtherResolvers_withoutAnEndpoint_areBalancedByTheirAddress() {
    DiscoveryLoadBalancer lb = random();
    resolve(lb, null, List.of(new EquivalentAddressGroup(A), new EquivalentAddressGroup(B)));
    ready(A, B);

    assertThat(picked(500)).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void sticky_sendsAKeyToTheEndpointDiscoveryApiStickyPicks() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, sticky(), groups(A, B, C, D));
    ready(A, B, C, D);
    List<Endpoint> endpoints =
        List.of(A, B, C, D).stream().map(a -> Endpoint.of(a.getAddress(), a.getPort())).toList();
    Picker<Endpoint> javaApi = Policies.sticky().newPicker(Candidates.ofEndpoints(endpoints));

    for (int i = 0; i < 1000; i++) {
      String key = "session-" + i;
      assertThat(address(helper.pick(session(key)))).isEqualTo(javaApi.pick(key).address());
    }
  }

  private Map<String, InetSocketAddress> mapping(int keys) {
    Map<String, InetSocketAddress> m = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      m.put("session-" + i, address(helper.pick(session("session-" + i))));
    }
    return m;
  }

  @Test
  void sticky_whileAKeysSubchannelReconnects_usesTheNextChoice_andNoOtherKeyMoves() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, sticky(), groups(A, B, C, D));
    ready(A, B, C, D);
    Map<String, InetSocketAddress> before = mapping(2000);

    helper.subchannel(B).report(ConnectivityState.IDLE);
    Map<String, InetSocketAddress> during = mapping(2000);

    before.forEach(
        (key, endpoint) -> {
          if (endpoint.equals(B)) {
            assertThat(during.get(key)).as(key).isNotEqualTo(B);
            assertThat(address(helper.pick(session(key))))
                .as("the fallback is deterministic")
                .isEqualTo(during.get(key));
          } else {
            assertThat(during.get(key)).as(key).isEqualTo(endpoint);
          }
        });

    helper.subchannel(B).report(ConnectivityState.CONNECTING);
    helper.subchannel(B).report(ConnectivityState.READY);
    assertThat(mapping(2000)).as("keys come back").isEqualTo(before);
  }

  @Test
  void sticky_aPickForAKeyWhoseSubchannelIsIdle_asksItToConnect() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, sticky(), groups(A, B));
    ready(A, B);
    String keyOfA =
        mapping(100).entrySet().stream()
            .filter(e -> e.getValue().equals(A))
            .findFirst()
            .orElseThrow()
            .getKey();
    FakeSubchannel a = helper.subchannel(A);
    int before = a.connectionRequests;
    // The balancer reconnects an IDLE subchannel itself; a pick asks again if it is still idle.
    a.report(ConnectivityState.IDLE);
    int afterReport = a.connectionRequests;

    assertThat(address(helper.pick(session(keyOfA)))).isEqualTo(B);
    assertThat(afterReport).isEqualTo(before + 1);
    assertThat(a.connectionRequests).isEqualTo(afterReport + 1);
  }

  @Test
  void sticky_callWithoutTheHeader_goesToARandomReadyEndpoint() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, sticky(), groups(A, B, C));
    ready(A, B);
    helper.subchannel(C).report(ConnectivityState.CONNECTING);

    assertThat(picked(1000)).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void sticky_withNothingReady_waitsWhileConnecting_andFailsOnceAllFailed() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, sticky(), groups(A, B));
    helper.subchannel(A).report(ConnectivityState.CONNECTING);
    helper.subchannel(B).report(ConnectivityState.CONNECTING);

    assertThat(helper.pick(session("k")).hasResult()).isFalse();
    assertThat(helper.pick(session("k")).getStatus().isOk()).isTrue();

    helper.subchannel(A).fail(Status.UNAVAILABLE.withDescription("refused A"));
    helper.subchannel(B).fail(Status.UNAVAILABLE.withDescription("refused B"));
    assertThat(helper.pick(session("k")).getStatus().getDescription())
        .isEqualTo("web.shop: none of 2 endpoints is READY; last failure: refused B");
  }

  /** A key that pure consistent hashing sends to {@code to} once D joins A, B and C. */
  private static String keyMovingTo(InetSocketAddress to) {
    List<Endpoint> three =
        List.of(A, B, C).stream().map(a -> Endpoint.of(a.getAddress(), a.getPort())).toList();
    List<Endpoint> four =
        List.of(A, B, C, D).stream().map(a -> Endpoint.of(a.getAddress(), a.getPort())).toList();
    Picker<Endpoint> before = Policies.sticky().newPicker(Candidates.ofEndpoints(three));
    Picker<Endpoint> after = Policies.sticky().newPicker(Candidates.ofEndpoints(four));
    for (int i = 0; ; i++) {
      String key = "session-" + i;
      if (after.pick(key).address().equals(to) && !before.pick(key).address().equals(to)) {
        return key;
      }
    }
  }

  @Test
  void stickyWithAffinity_keepsAKeysEndpointAcrossPickerSwaps_untilTheTimeout() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    PolicyConfig config = sticky("affinityTimeout", "60s");
    resolve(lb, config, groups(A, B, C));
    ready(A, B, C);
    String key = keyMovingTo(D);
    InetSocketAddress first = address(helper.pick(session(key)));

    resolve(lb, sticky("affinityTimeout", "60s"), groups(A, B, C, D));
    ready(D);
    assertThat(address(helper.pick(session(key))))
        .as("affinity outlives the new picker and a re-parsed config")
        .isEqualTo(first);

    clock.advance(Duration.ofSeconds(61));
    assertThat(address(helper.pick(session(key)))).as("after the timeout").isEqualTo(D);
  }

  @Test
  void stickyWithoutConfiguration_warns_andSendsCallsToRandomReadyEndpoints() {
    DiscoveryLoadBalancer lb = balancer(PolicyConfig.unconfigured(Policies.sticky()));
    resolve(lb, A, B);
    ready(A, B);

    Set<InetSocketAddress> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(address(helper.pick(session("same-key"))));
    }
    assertThat(seen).containsExactlyInAnyOrder(A, B);
    assertThat(helper.logger.lines)
        .anyMatch(
            l ->
                l.startsWith(
                    "WARNING Policy sticky has no header to take keys from: every call goes to a"
                        + " random READY endpoint"));
  }
}
