package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import java.time.Duration;
import java.util.List;

/** Pods published through a {@link ScriptedResolverProvider}: changes are pushed at once. */
final class ScriptedDirectory implements PodDirectory {
  final ScriptedResolverProvider provider = new ScriptedResolverProvider();
  private final Discovery discovery =
      Discovery.builder().provider(provider).environment(Environment.empty()).build();

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
    provider.publish(pods.stream().map(p -> p.address).toList());
  }

  @Override
  public Duration ttl() {
    return Duration.ZERO;
  }

  @Override
  public String name() {
    return "scripted resolver";
  }

  @Override
  public void close() {
    discovery.close();
  }
}
