package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Pods as a ClusterIP Service {@code web.shop} (port {@code grpc}) of a {@link FakeCluster}, served
 * over TLS by the testkit's {@link FakeApiServer}; channels target {@code
 * <scheme>:///web.shop:grpc} on a discovery passed as {@link DiscoveryGrpc#DISCOVERY}. Through DNS
 * a ClusterIP Service is one virtual address; through the API it is its pods.
 *
 * <ul>
 *   <li>{@code k8s+api}: the discovery has an {@link ApiResolverProvider} built with the server's
 *       kubeconfig, and an empty environment.
 *   <li>{@code k8s}: the discovery has only the providers {@link java.util.ServiceLoader} finds,
 *       and an environment whose {@code KUBECONFIG} is the server's kubeconfig, as on a developer's
 *       machine: {@code k8s} chooses the API source, which reads its settings from there.
 * </ul>
 */
final class ApiDirectory extends ClusterDirectory {
  private final String scheme;
  private final FakeApiServer api;
  private final Discovery discovery;

  /**
   * @param scheme {@code k8s+api} or {@code k8s}
   */
  ApiDirectory(String scheme) {
    super(
        Service.clusterIp(NAMESPACE, "web")
            .selector("app", "web")
            .port("grpc", 50051, "grpc")
            .build());
    this.scheme = scheme;
    api = FakeApiServer.start(cluster);
    discovery =
        scheme.equals("k8s")
            ? Discovery.builder().environment(kubeconfigEnvironment(api.kubeconfig())).build()
            : Discovery.builder()
                .provider(ApiResolverProvider.builder().kubeconfig(api.kubeconfig()).build())
                .environment(Environment.empty())
                .build();
  }

  /** Only {@code KUBECONFIG=kubeconfig}, and that file. */
  private static Environment kubeconfigEnvironment(Path kubeconfig) {
    try {
      return Environment.of(
          Map.of("KUBECONFIG", kubeconfig.toString()),
          Map.of(kubeconfig, Files.readString(kubeconfig)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String target() {
    return scheme + ":///web.shop:grpc";
  }

  @Override
  public Discovery discovery() {
    return discovery;
  }

  /** The API server pushes every change. */
  @Override
  public Duration ttl() {
    return Duration.ZERO;
  }

  @Override
  public String name() {
    return "FakeApiServer (" + scheme + ")";
  }

  @Override
  public void close() {
    discovery.close();
    api.close();
  }
}
