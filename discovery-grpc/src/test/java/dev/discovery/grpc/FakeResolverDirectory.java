package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Environment;
import dev.discovery.testkit.FakeResolver;
import dev.discovery.testkit.FakeTarget;
import io.grpc.NameResolverRegistry;
import java.time.Duration;
import java.util.List;

/**
 * Pods published through the testkit's {@link FakeResolver}, on a discovery the channels get with
 * {@link DiscoveryGrpc#DISCOVERY}: changes are pushed at once.
 */
final class FakeResolverDirectory implements PodDirectory {
  final FakeResolver resolver = FakeResolver.create();
  final FakeTarget web = resolver.target(target());
  private final Discovery discovery =
      Discovery.builder().provider(resolver).environment(Environment.empty()).build();

  FakeResolverDirectory() {
    registerFakeScheme(discovery);
  }

  /**
   * Makes the testkit's {@code fake} scheme a channel target scheme of the default registry, once
   * per JVM; channels pass their discovery ({@link DiscoveryGrpc#DISCOVERY}). Only that scheme:
   * registering every scheme of a discovery that a test then closes would leave, say, {@code
   * inhouse} bound to a closed discovery for the test classes after it.
   */
  static synchronized void registerFakeScheme(Discovery discovery) {
    NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();
    if (registry.getProviderForScheme(FakeResolver.SCHEME) == null) {
      registry.register(DiscoveryGrpc.nameResolverProvider(FakeResolver.SCHEME, discovery));
    }
  }

  @Override
  public String target() {
    return "fake:///web.shop:grpc";
  }

  @Override
  public Discovery discovery() {
    return discovery;
  }

  @Override
  public void publish(List<Pods.Pod> pods) {
    web.publish(
        pods.stream().map(p -> Endpoint.of(p.address.getAddress(), p.address.getPort())).toList());
  }

  @Override
  public Duration ttl() {
    return Duration.ZERO;
  }

  @Override
  public String name() {
    return "testkit FakeResolver";
  }

  @Override
  public void close() {
    discovery.close();
  }
}
