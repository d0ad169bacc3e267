package dev.discovery.grpc.internal;

import static dev.discovery.grpc.internal.FakeHelper.address;
import static dev.discovery.grpc.internal.FakeHelper.groups;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.DiscoveryEvent;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import dev.discovery.testkit.clock.FakeClock;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the balancer gives a policy besides candidates: call feedback from the calls' stream
 * tracers, a coalesced refresh, the discovery's observer.
 */
class PolicyFeedbackTest {
  private static final InetSocketAddress A = address("10.0.0.1", 8080);
  private static final InetSocketAddress B = address("10.0.0.2", 8080);

  private final FakeHelper helper = new FakeHelper();
  private final FakeClock clock = FakeClock.create();
  private final List<String> reports = new CopyOnWriteArrayList<>();
  private final AtomicInteger pickersBuilt = new AtomicInteger();
  private volatile PolicyContext context;

  /** A policy that records what it is told, and picks the first candidate. */
  private Policy recording(boolean wantsFeedback) {
    CallFeedback feedback =
        new CallFeedback() {
          @Override
          public void onStart(Endpoint endpoint) {
            reports.add("start " + endpoint.hostPort());
          }

          @Override
          public void onEnd(Endpoint endpoint, CallOutcome outcome, long latencyNanos) {
            reports.add(
                "end "
                    + endpoint.hostPort()
                    + " "
                    + outcome.status()
                    + " "
                    + Duration.ofNanos(latencyNanos).toMillis()
                    + "ms");
          }
        };
    return new Policy() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public <T> Picker<T> newPicker(Candidates<T> candidates) {
        return Policies.random().newPicker(candidates);
      }

      @Override
      public <T> PolicyInstance<T> newInstance(PolicyContext c) {
        context = c;
        return new PolicyInstance<>() {
          @Override
          public Picker<T> newPicker(Candidates<T> candidates) {
            pickersBuilt.incrementAndGet();
            T first = candidates.item(0);
            return new Picker<>() {
              @Override
              public T pick() {
                return first;
              }

              @Override
              public T pick(CharSequence key) {
                return first;
              }
            };
          }

          @Override
          public CallFeedback feedback() {
            return wantsFeedback ? feedback : null;
          }
        };
      }
    };
  }

  private DiscoveryLoadBalancer readyBalancer(Policy policy, Attributes attributes) {
    DiscoveryLoadBalancer lb =
        new DiscoveryLoadBalancer(helper, PolicyConfig.unconfigured(policy), clock, clock::nanos);
    helper.inContext(
        () ->
            lb.acceptResolvedAddresses(
                ResolvedAddresses.newBuilder()
                    .setAddresses(groups(A, B))
                    .setAttributes(attributes)
                    .build()));
    helper.subchannel(A).report(ConnectivityState.READY);
    helper.subchannel(B).report(ConnectivityState.READY);
    return lb;
  }

  private static ClientStreamTracer tracer(PickResult result) {
    return result
        .getStreamTracerFactory()
        .newClientStreamTracer(ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
  }

  @Test
  void aPolicyThatWantsFeedback_hearsEachStreamsStartAndEnd_withItsStatusAndLatency() {
    readyBalancer(recording(true), Attributes.EMPTY);
    PickResult picked = helper.pick();
    assertThat(FakeHelper.address(picked)).isEqualTo(A);

    ClientStreamTracer call = tracer(picked);
    call.streamCreated(Attributes.EMPTY, new Metadata());
    clock.advance(Duration.ofMillis(7));
    call.streamClosed(Status.UNAVAILABLE.withDescription("connection reset"));
    ClientStreamTracer ok = tracer(helper.pick());
    ok.streamCreated(Attributes.EMPTY, new Metadata());
    ok.streamClosed(Status.OK);

    assertThat(reports)
        .containsExactly(
            "start 10.0.0.1:8080",
            "end 10.0.0.1:8080 UNAVAILABLE 7ms",
            "start 10.0.0.1:8080",
            "end 10.0.0.1:8080 OK 0ms");
  }

  @Test
  void aStreamNeverCreatedOnATransport_isNotReported() {
    readyBalancer(recording(true), Attributes.EMPTY);
    ClientStreamTracer call = tracer(helper.pick());
    call.streamClosed(Status.UNAVAILABLE.withDescription("transport shut down"));

    assertThat(reports).isEmpty();
  }

  @Test
  void aPolicyWithoutFeedback_getsPicksWithoutATracer() {
    readyBalancer(recording(false), Attributes.EMPTY);

    assertThat(helper.pick().getStreamTracerFactory()).isNull();
    assertThat(helper.pick().getSubchannel()).isNotNull();
  }

  @Test
  void outcomes_areOneSharedConstantPerStatusCode() {
    Set<CallOutcome> seen = new HashSet<>();
    for (Status.Code code : Status.Code.values()) {
      CallOutcome o = CallTracing.outcome(code);
      assertThat(CallTracing.outcome(code)).isSameAs(o);
      assertThat(o.status()).isEqualTo(code.name());
      assertThat(o.success()).isEqualTo(code == Status.Code.OK);
      seen.add(o);
    }
    assertThat(seen).hasSize(17);
    assertThat(CallTracing.outcome(Status.Code.CANCELLED)).isSameAs(CallOutcome.CANCELLED);
    assertThat(CallTracing.outcome(Status.Code.OK)).isSameAs(CallOutcome.SUCCESS);
  }

  @Test
  void refresh_fromAnyThread_rebuildsThePickerOnce_forAllRefreshesQueuedMeanwhile()
      throws Exception {
    readyBalancer(recording(true), Attributes.EMPTY);
    int built = pickersBuilt.get();
    int updates = helper.stateUpdates;

    helper.inContext(
        () -> {
          for (int i = 0; i < 100; i++) {
            context.refresh().run(); // queued behind this task
          }
        });
    assertThat(pickersBuilt.get() - built).as("pickers built for 100 refreshes").isEqualTo(1);
    assertThat(helper.stateUpdates - updates).isEqualTo(1);

    Thread other = new Thread(() -> context.refresh().run());
    other.start();
    other.join();
    assertThat(pickersBuilt.get() - built).as("another refresh, from another thread").isEqualTo(2);
  }

  @Test
  void thePolicysObserver_isTheDiscoverysFromTheResolution() {
    List<DiscoveryEvent> events = new ArrayList<>();
    DiscoveryObserver discoverys = events::add;
    readyBalancer(
        recording(true),
        Attributes.newBuilder().set(DiscoveryNameResolver.OBSERVER, discoverys).build());
    DiscoveryEvent e =
        new DiscoveryEvent.EndpointReturned(
            "web.shop", Endpoint.of(A.getAddress(), A.getPort()), "recording");

    context.observer().onEvent(e);

    assertThat(events).containsExactly(e);
    assertThat(context.target()).isEqualTo("web.shop");
  }
}
