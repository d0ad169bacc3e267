package dev.discovery.grpc.internal;

import static dev.discovery.grpc.internal.FakeHelper.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.Target;
import dev.discovery.grpc.DiscoveryGrpc;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.spi.UriTarget;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import dev.discovery.testkit.clock.FakeScheduler;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscoveryNameResolverTest {
  private static final Target WEB = UriTarget.parse("fake:///web.shop:grpc");
  private static final InetSocketAddress A = address("10.0.0.1", 8080);
  private static final InetSocketAddress B = address("10.0.0.2", 8080);

  private final FakeScheduler scheduler = FakeScheduler.create();
  private final FakeResolver resolvers = FakeResolver.create();
  private final FakeTarget fake = resolvers.target(WEB);
  private final Discovery discovery =
      Discovery.builder()
          .clock(scheduler.clock())
          .scheduler(scheduler)
          .blockingExecutor(scheduler)
          .environment(Environment.empty())
          .registry(ResolverRegistry.of(resolvers))
          .build();
  private final SynchronizationContext syncContext =
      new SynchronizationContext(
          (t, e) -> {
            throw new AssertionError("uncaught in the synchronization context", e);
          });
  private final RecordingLogger logger = new RecordingLogger();
  private final Recorder listener = new Recorder();

  private static Endpoint endpoint(InetSocketAddress a) {
    return Endpoint.of(a.getAddress(), a.getPort());
  }

  @AfterEach
  void closeDiscovery() {
    discovery.close();
  }

  private DiscoveryNameResolver start() {
    DiscoveryNameResolver resolver = new DiscoveryNameResolver(WEB, discovery, syncContext, logger);
    syncContext.execute(() -> resolver.start(listener));
    return resolver;
  }

  /** Records what the channel would be told, and whether it was told in its context. */
  private final class Recorder extends NameResolver.Listener2 {
    final List<NameResolver.ResolutionResult> results = new CopyOnWriteArrayList<>();
    volatile boolean outsideContext;

    @Override
    public Status onResult2(NameResolver.ResolutionResult result) {
      try {
        syncContext.throwIfNotInThisSynchronizationContext();
      } catch (IllegalStateException e) {
        outsideContext = true;
      }
      results.add(result);
      return Status.OK;
    }

    @Override
    public void onResult(NameResolver.ResolutionResult result) {
      onResult2(result);
    }

    @Override
    public void onError(Status error) {
      throw new AssertionError("errors come through onResult2: " + error);
    }

    NameResolver.ResolutionResult last() {
      assertThat(results).isNotEmpty();
      return results.get(results.size() - 1);
    }

    List<InetSocketAddress> lastAddresses() {
      return last().getAddressesOrError().getValue().stream()
          .map(g -> (InetSocketAddress) g.getAddresses().get(0))
          .toList();
    }
  }

  @Test
  void start_reportsTheEligibleEndpoints_eachCarryingItsEndpoint() {
    start();
    Endpoint a = Endpoint.builder(A.getAddress(), A.getPort()).zone("zone-a").build();
    Endpoint notReady = Endpoint.builder(B.getAddress(), B.getPort()).ready(false).build();
    fake.publish(a, notReady);

    List<EquivalentAddressGroup> groups = listener.last().getAddressesOrError().getValue();
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).getAddresses()).containsExactly(A);
    assertThat(groups.get(0).getAttributes().get(DiscoveryGrpc.ENDPOINT)).isEqualTo(a);
    assertThat(listener.outsideContext).isFalse();
  }

  @Test
  void changes_reachTheChannelAsSoonAsTheyHappen_withoutARefresh() {
    start();
    fake.publish(endpoint(A));
    fake.publish(endpoint(A), endpoint(B));

    assertThat(listener.results).hasSize(2);
    assertThat(listener.lastAddresses()).containsExactly(A, B);
    assertThat(fake.refreshes()).isZero();
  }

  @Test
  void failureBeforeAnySuccess_isUnavailable_namingTheTargetAndWhatFailed() {
    start();
    fake.fail(
        ResolutionError.permissionDenied(
            "API server answered 403: the service account may not list endpointslices"));

    Status status = listener.last().getAddressesOrError().getStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription())
        .isEqualTo(
            "fake:///web.shop:grpc: name resolution failed (permission denied): API server"
                + " answered 403: the service account may not list endpointslices");
  }

  @Test
  void failureAfterASuccess_keepsTheLastGoodAddresses_andIsLogged() {
    start();
    fake.publish(endpoint(A), endpoint(B));
    fake.fail(ResolutionError.unavailable("DNS server 127.0.0.1:53 timed out"));

    assertThat(listener.results).hasSize(1);
    assertThat(listener.lastAddresses()).containsExactly(A, B);
    assertThat(logger.lines)
        .anyMatch(
            l ->
                l.startsWith(
                    "WARNING fake:///web.shop:grpc: name resolution failed (unavailable): DNS"
                        + " server 127.0.0.1:53 timed out; keeping the last good 2 endpoints"));
  }

  @Test
  void anEmptySnapshot_isAnEmptyList_withTheReason() {
    start();
    fake.publish();

    assertThat(listener.last().getAddressesOrError().getValue()).isEmpty();
    assertThat(listener.last().getAttributes().get(DiscoveryNameResolver.EMPTY_REASON))
        .startsWith("fake:///web.shop:grpc: the Service has no endpoints (HEADLESS source=fake");
  }

  @Test
  void refresh_isAHintPassedToTheResolver() {
    DiscoveryNameResolver resolver = start();
    syncContext.execute(resolver::refresh);

    assertThat(fake.refreshes()).isEqualTo(1);
  }

  @Test
  void shutdown_closesTheResolver_andReportsNothingMore() {
    DiscoveryNameResolver resolver = start();
    fake.publish(endpoint(A));
    syncContext.execute(resolver::shutdown);
    fake.publish(endpoint(A), endpoint(B));

    assertThat(fake.openResolvers()).isZero();
    assertThat(listener.results).hasSize(1);
  }

  @Test
  void channelsOfOneTarget_shareOneResolver() {
    DiscoveryNameResolver first = start();
    DiscoveryNameResolver second = start();
    fake.publish(endpoint(A));

    assertThat(fake.starts()).isEqualTo(1);
    assertThat(listener.results).hasSize(2);
    syncContext.execute(first::shutdown);
    assertThat(fake.openResolvers()).as("the other channel still watches").isEqualTo(1);
    syncContext.execute(second::shutdown);
    assertThat(fake.openResolvers()).isZero();
  }

  @Test
  void aClosedDiscovery_isReportedAsUnavailable() {
    discovery.close();
    start();

    assertThat(listener.last().getAddressesOrError().getStatus().getDescription())
        .startsWith("fake:///web.shop:grpc: cannot watch with ")
        .endsWith("discovery: closed (expected: watch before close())");
  }

  @ParameterizedTest
  @CsvSource({
    "k8s:///web.shop:grpc, web.shop",
    "k8s:///web.shop:8080, web.shop:8080",
    "k8s:///web, web",
    "k8s:///web.shop.svc.cluster.local.:grpc, web.shop.svc.cluster.local",
    "'k8s+dns://127.0.0.1:5353/web.shop:grpc', web.shop",
    "'static:///10.0.0.1:80,10.0.0.2:80', 10.0.0.1:80",
    "'static:///[::1]:80', '[::1]:80'",
  })
  void authority_isTheServiceHost(String target, String authority) {
    assertThat(DiscoveryNameResolver.authority(Target.parse(target))).isEqualTo(authority);
  }
}
