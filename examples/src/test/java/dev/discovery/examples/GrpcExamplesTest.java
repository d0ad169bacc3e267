package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.grpc.DiscoveryGrpc;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeResolver;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC snippets, with real gRPC servers as the shop's pods on 127.0.61.x, found through the
 * testkit's DNS server.
 */
class GrpcExamplesTest {
  private int port;
  private Shop shop;
  private List<InetSocketAddress> pods;
  private PodServers podServers;

  @BeforeEach
  void startPods() {
    port = PodServers.freePort("127.0.61.1");
    shop = Shop.start("127.0.61.1", port);
    pods = shop.pods(port);
    podServers = PodServers.start(pods);
  }

  @AfterEach
  void stopPods() {
    podServers.close();
    shop.close();
  }

  @Test
  void quickStart_spreadsCallsOverEveryPod() throws InterruptedException {
    using(GrpcQuickStart.channel(shop.dns.target("web.shop:grpc")), this::reachesEveryPod);
  }

  @Test
  void sticky_sendsASessionToOnePod() throws InterruptedException {
    using(
        GrpcQuickStart.stickyChannel(shop.dns.target("web.shop:grpc")),
        channel -> {
          awaitEveryPod(channel); // calls without the header go to any READY pod
          Set<String> seen = new HashSet<>();
          for (int i = 0; i < 20; i++) {
            seen.add(PodServers.who(channel, "x-session-id", "session-42"));
          }
          assertThat(seen).hasSize(1);
        });
  }

  @Test
  void ownDiscovery_resolvesTheNamespaceDefault() throws InterruptedException {
    try (Discovery discovery = DnsSource.discovery(shop.dns.address())) {
      using(GrpcQuickStart.channel(discovery), this::reachesEveryPod);
    }
  }

  @Test
  void apiSource_spreadsCallsOverEveryPod() throws InterruptedException {
    try (FakeApiServer api = FakeApiServer.start(shop.cluster);
        Discovery discovery = GrpcQuickStart.apiDiscovery(api.kubeconfig())) {
      using(GrpcQuickStart.apiChannel(discovery), this::reachesEveryPod);
    }
  }

  @Test
  void customPolicy_isAGrpcPolicyOfItsName() throws InterruptedException {
    String first = names(pods).get(0);
    using(
        GrpcQuickStart.primaryChannel(shop.dns.target("web.shop:grpc")),
        channel -> {
          // Built over the READY connections: the first pod once its connection is up.
          await().until(() -> PodServers.who(channel).equals(first));
          assertThat(answers(channel, 20)).containsExactly(first);
        });
  }

  @Test
  void fakeResolver_drivesAChannel() throws InterruptedException {
    InetAddress ip1 = pods.get(0).getAddress();
    InetAddress ip2 = pods.get(1).getAddress();
    List<String> servers = names(pods.subList(0, 2));
    // snippet:grpc-fake-resolver
    FakeResolver fake = FakeResolver.create();
    try (Discovery discovery = Discovery.builder().provider(fake).build()) {
      DiscoveryGrpc.registerSchemes(NameResolverRegistry.getDefaultRegistry(), discovery); // fake:
      ManagedChannel channel =
          Grpc.newChannelBuilder("fake:///web.shop:grpc", InsecureChannelCredentials.create())
              .setNameResolverArg(DiscoveryGrpc.DISCOVERY, discovery)
              .defaultLoadBalancingPolicy("random")
              .build();
      fake.target("fake:///web.shop:grpc").publish(Endpoint.of(ip1, port), Endpoint.of(ip2, port));

      assertThat(PodServers.who(channel)).isIn(servers); // the test's servers on ip1 and ip2
      channel.shutdownNow();
    }
    // end-snippet
  }

  /** Calls until every pod has answered: every connection is READY. */
  private void awaitEveryPod(ManagedChannel channel) {
    Set<String> seen = new HashSet<>();
    await()
        .until(
            () -> {
              seen.add(PodServers.who(channel));
              return seen.size() == pods.size();
            });
  }

  /** Who answered {@code calls} calls, as a set. */
  private static Set<String> answers(ManagedChannel channel, int calls) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      seen.add(PodServers.who(channel));
    }
    return seen;
  }

  private static List<String> names(List<InetSocketAddress> addresses) {
    return addresses.stream()
        .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
        .toList();
  }

  /** Runs {@code calls} on {@code channel}, then shuts it down. */
  private static void using(ManagedChannel channel, Consumer<ManagedChannel> calls)
      throws InterruptedException {
    try {
      calls.accept(channel);
    } finally {
      channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private void reachesEveryPod(ManagedChannel channel) {
    assertThat(answers(channel, 60)).containsExactlyInAnyOrderElementsOf(names(pods));
  }
}
