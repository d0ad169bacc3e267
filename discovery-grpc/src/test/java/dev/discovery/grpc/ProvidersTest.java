package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.api.Target;
import dev.discovery.grpc.internal.DiscoveryNameResolverProvider;
import dev.discovery.grpc.internal.PolicyLoadBalancerProvider;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvidersTest {

  @Test
  void defaultRegistry_servesEveryScheme_andDnsStaysTheDefaultScheme() {
    NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();

    for (String scheme : List.of("k8s", "k8s+dns", "k8s+api", "static")) {
      assertThat(registry.getProviderForScheme(scheme))
          .as(scheme)
          .isInstanceOf(DiscoveryNameResolverProvider.class);
    }
    assertThat(registry.getDefaultScheme()).isEqualTo("dns");
  }

  @Test
  void aProviderWithItsOwnDiscovery_winsItsScheme_withoutBecomingTheDefault() {
    NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build()) {
      NameResolverProvider own = DiscoveryGrpc.nameResolverProvider("k8s", discovery);
      registry.register(own);
      try {
        assertThat(registry.getProviderForScheme("k8s")).isSameAs(own);
        assertThat(registry.getDefaultScheme()).isEqualTo("dns");
      } finally {
        registry.deregister(own);
      }
    }
    assertThat(registry.getProviderForScheme("k8s"))
        .isInstanceOf(DiscoveryNameResolverProvider.class);
  }

  @Test
  void nameResolverProvider_ofAnUnknownScheme_isRefused() {
    try (Discovery discovery = Discovery.builder().environment(Environment.empty()).build()) {
      assertThatThrownBy(() -> DiscoveryGrpc.nameResolverProvider("kubernetes", discovery))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("scheme: \"kubernetes\" has no resolver in ")
          .hasMessageEndingWith("(expected one of: inhouse, k8s, k8s+api, k8s+dns, static)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s:///Web_Shop:grpc", "k8s://127.0.0.10/web.shop", "static:///web:80"})
  void aBadTarget_failsTheChannelBuild_withTheParsersMessage(String target) {
    Throwable parse = catchThrowable(() -> Target.parse(target));
    assertThat(parse).isInstanceOf(IllegalArgumentException.class);

    assertThatThrownBy(
            () -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(parse.getMessage());
  }

  @Test
  void k8sApiTarget_buildsAChannel_itsSourceBeingInstalled() {
    io.grpc.ManagedChannel channel =
        Grpc.newChannelBuilder("k8s+api:///web.shop:grpc", InsecureChannelCredentials.create())
            .build();
    try {
      assertThat(channel.authority()).isEqualTo("web.shop");
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void registerPolicies_makesEveryPickerFactoryAPolicy_once() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();

    assertThat(DiscoveryGrpc.registerPolicies(registry))
        .containsExactly(
            "by-length", "feedback-probe", "least_request", "lowest", "random", "sticky");
    assertThat(DiscoveryGrpc.registerPolicies(registry)).isEmpty();
    assertThat(registry.getProvider("lowest")).isInstanceOf(PolicyLoadBalancerProvider.class);
  }

  @Test
  void aChannelWithADiscoveryTarget_registersThePluggedPolicies_inTheDefaultRegistry() {
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
    assertThat(registry.getProvider("random")).isNotNull();
    assertThat(registry.getProvider("sticky")).isNotNull();
    if (registry.getProvider("lowest") != null) {
      registry.deregister(registry.getProvider("lowest")); // registered by an earlier test
    }
    assertThat(registry.getProvider("lowest")).isNull();

    ManagedChannel channel =
        Grpc.newChannelBuilder("static:///127.0.0.1:9", InsecureChannelCredentials.create())
            .build();
    channel.shutdownNow();

    assertThat(registry.getProvider("lowest")).isNotNull();
    assertThat(registry.getProvider("pick_first").getClass().getName())
        .as("grpc's own policies are left alone")
        .startsWith("io.grpc.");
  }

  @Test
  void loadingDiscoverysNameResolvers_registersEveryPolicy_beforeAChannelLooksUpItsDefault() {
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
    if (registry.getProvider("lowest") != null) {
      registry.deregister(registry.getProvider("lowest")); // registered by an earlier test
    }

    new dev.discovery.grpc.internal.K8sNameResolverProvider(); // as grpc's ServiceLoader does

    assertThat(registry.getProvider("lowest")).isInstanceOf(PolicyLoadBalancerProvider.class);
  }
}
