package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A scheme of a third party's own ({@link InhouseResolverProvider}, defined only in this test)
 * works through the Java API and a gRPC channel target, with no change to the SDK: the scheme
 * chooses the provider and the provider parses the rest.
 */
class ThirdPartySchemeTest {
  private static final int SUBNET = 250;

  @Test
  void target_isParsedByTheProviderOfItsScheme() {
    assertThat(Target.parse("INHOUSE:///greeter").toString()).isEqualTo("inhouse:///greeter");
    assertThatThrownBy(() -> Target.parse("inhouse:///Greeter_1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target: \"inhouse:///Greeter_1\" (expected: inhouse:///<name of a-z>)");
  }

  @Test
  void javaApi_watchesATargetOfTheScheme() throws Exception {
    InetSocketAddress a = new InetSocketAddress(Pods.ip(SUBNET, 1), 7001);
    InetSocketAddress b = new InetSocketAddress(Pods.ip(SUBNET, 2), 7001);
    InhouseResolverProvider.DIRECTORY.put("ledger", List.of(b, a));
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build();
        ServiceWatch watch = discovery.watch("inhouse:///ledger")) {
      EndpointSet set = watch.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(set.endpoints()).extracting(Endpoint::address).containsExactly(a, b);
      assertThat(set.source().name()).isEqualTo("inhouse");
    }
  }

  @Test
  void grpcChannel_spreadsCallsOverThePodsOfATargetOfTheScheme() {
    try (Pods pods = Pods.started(SUBNET, 3)) {
      InhouseResolverProvider.DIRECTORY.put(
          "greeter", pods.all().stream().map(p -> p.address).toList());
      // A registry of its own: another test class in this JVM may have registered the schemes in
      // the default one already.
      NameResolverRegistry fresh = new NameResolverRegistry();
      assertThat(DiscoveryGrpc.registerSchemes(fresh, DiscoveryGrpc.sharedDiscovery()))
          .contains("inhouse");
      assertThat(fresh.getProviderForScheme("inhouse")).isNotNull();
      assertThat(DiscoveryGrpc.registerSchemes(fresh, DiscoveryGrpc.sharedDiscovery()))
          .isEmpty(); // idempotent
      DiscoveryGrpc.registerSchemes(); // the default registry, which channels use
      assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("inhouse"))
          .isNotNull();

      ManagedChannel channel = Calls.random("inhouse:///greeter", null);
      try {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 300 && answered.size() < 3; i++) {
          answered.add(Calls.who(channel));
        }
        assertThat(answered)
            .containsExactlyInAnyOrderElementsOf(pods.all().stream().map(Pods.Pod::name).toList());
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
