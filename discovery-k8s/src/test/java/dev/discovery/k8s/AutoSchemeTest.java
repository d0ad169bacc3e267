package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Source;
import dev.discovery.api.Target;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.clock.FakeScheduler;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code k8s:///...} with discovery-k8s on the class path: DNS, and it says why. */
class AutoSchemeTest {

  @Test
  void k8sScheme_resolvesThroughDns_andReportsTheSourceAndWhy() throws Exception {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 3);
    try (FakeDnsServer dns = FakeDnsServer.start(cluster);
        Discovery discovery =
            Discovery.builder()
                .environment(DnsFixture.podEnvironment("shop"))
                .provider(DnsResolverProvider.builder().server(dns.address()).build())
                .build();
        ServiceWatch web = discovery.watch("k8s:///web:grpc")) {
      EndpointSet set = web.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
      assertThat(set.size()).isEqualTo(3);
      assertThat(set.source().toString())
          .isEqualTo(
              "dns (not in a cluster and no kubeconfig: KUBERNETES_SERVICE_HOST and KUBECONFIG"
                  + " unset, ~/.kube/config absent)");
    }
  }

  @Test
  void defaultRegistry_findsTheDnsSource() {
    assertThat(dev.discovery.spi.ResolverRegistry.defaultRegistry().schemes())
        .contains("k8s", "k8s+dns", "k8s+api", "static");
  }

  private static ResolverRegistry defaultsWithout(String scheme) {
    return ResolverRegistry.of(
        ResolverRegistry.defaultRegistry().providers().stream()
            .filter(p -> !p.scheme().equals(scheme))
            .toList());
  }

  /** Records what it is asked for; its resolvers report one endpoint. */
  private static final class Recording implements ResolverProvider {
    final String scheme;
    final List<Target> targets = new ArrayList<>();

    Recording(String scheme) {
      this.scheme = scheme;
    }

    @Override
    public String scheme() {
      return scheme;
    }

    @Override
    public Resolver newResolver(Target target, ResolverContext context) {
      targets.add(target);
      return new Resolver() {
        @Override
        public void start(Listener listener) {
          listener.onResult(
              new ResolutionResult.Resolved(
                  EndpointSet.builder(ServiceKind.HEADLESS, Source.of(scheme))
                      .add(Endpoint.of(InetAddress.getLoopbackAddress(), 80))
                      .resolvedAt(context.clock().instant())
                      .build()));
        }

        @Override
        public void refresh() {}

        @Override
        public void close() {}
      };
    }
  }

  private static Discovery discovery(Environment env, ResolverRegistry registry) {
    FakeScheduler scheduler = FakeScheduler.create();
    return Discovery.builder()
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .blockingExecutor(scheduler)
        .environment(env)
        .registry(registry)
        .build();
  }

  @Test
  void k8sScheme_usesDns_handsItTheTargetAsWritten_andSaysTheApiSourceIsNotInstalled() {
    Recording dns = new Recording("k8s+dns");
    try (Discovery discovery =
        discovery(Environment.empty(), defaultsWithout("k8s+api").with(dns))) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop:grpc");
      assertThat(dns.targets).extracting(Target::toString).containsExactly("k8s:///web.shop:grpc");
      assertThat(watch.current().orElseThrow().source().toString())
          .isEqualTo("k8s+dns (API source not installed)");
    }
  }

  @Test
  void k8sScheme_withAKubeconfigInHome_usesTheApiSource_andSaysWhichFile() {
    Recording dns = new Recording("k8s+dns");
    Recording api = new Recording("k8s+api");
    Environment home =
        Environment.of(
            Map.of("HOME", "/home/me"), Map.of(java.nio.file.Path.of("/home/me/.kube/config"), ""));
    try (Discovery discovery =
        discovery(home, ResolverRegistry.defaultRegistry().with(dns).with(api))) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop");
      assertThat(dns.targets).isEmpty();
      assertThat(watch.current().orElseThrow().source().toString())
          .isEqualTo("k8s+api (kubeconfig /home/me/.kube/config)");
    }
  }

  @Test
  void k8sScheme_withKubeconfigVariable_usesTheApiSource() {
    Recording api = new Recording("k8s+api");
    Environment env = Environment.of(Map.of("KUBECONFIG", "/x/config"), Map.of());
    try (Discovery discovery = discovery(env, ResolverRegistry.defaultRegistry().with(api))) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop");
      assertThat(watch.current().orElseThrow().source().toString())
          .isEqualTo("k8s+api (kubeconfig from KUBECONFIG)");
    }
  }

  @Test
  void k8sScheme_outsideAnyCluster_withNodePortAccess_isMisconfigured_notDns() {
    Recording dns = new Recording("k8s+dns");
    try (Discovery discovery =
        discovery(Environment.empty(), ResolverRegistry.defaultRegistry().with(dns))) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop:http?access=nodePort");
      assertThat(dns.targets).isEmpty();
      assertThat(watch.lastError().orElseThrow().message())
          .startsWith(
              "access: nodePort needs the API source, which k8s:///web.shop:http?access=nodePort"
                  + " cannot use (not in a cluster and no kubeconfig");
    }
  }

  @Test
  void k8sScheme_inACluster_usesTheApiSourceWhenInstalled() {
    Recording dns = new Recording("k8s+dns");
    Recording api = new Recording("k8s+api");
    try (Discovery discovery =
        discovery(
            Environment.of(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), Map.of()),
            ResolverRegistry.defaultRegistry().with(dns).with(api))) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop");
      assertThat(api.targets).hasSize(1);
      assertThat(dns.targets).isEmpty();
      assertThat(watch.current().orElseThrow().source().toString())
          .isEqualTo("k8s+api (in a cluster)");
    }
  }

  @Test
  void k8sScheme_withNoDnsProvider_namesTheInstalledSchemes() {
    ResolverRegistry noDns = defaultsWithout("k8s+dns");
    try (Discovery discovery = discovery(Environment.empty(), noDns)) {
      ServiceWatch watch = discovery.watch("k8s:///web.shop");
      assertThat(watch.lastError().orElseThrow().message())
          .isEqualTo("no resolver for scheme k8s+dns (installed: k8s, k8s+api, static)");
    }
  }
}
