package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The {@code k8s+api} provider {@link java.util.ServiceLoader} finds is one per JVM, shared by
 * every {@link Discovery} on the default registry: each Discovery reads its own environment.
 */
class ApiEnvironmentTest {
  private static FakeCluster shop(int pods, String firstPodIp) {
    FakeCluster cluster = FakeCluster.builder().firstPodIp(firstPodIp).build();
    cluster.apply(Service.clusterIp("shop", "web").selector("app", "web").port("http", 80).build());
    cluster.scale(Pod.builder("shop", "web").label("app", "web").build(), pods);
    return cluster;
  }

  /** Only {@code KUBECONFIG=kubeconfig}, and that file. */
  private static Environment kubeconfigOf(FakeApiServer api) throws IOException {
    Path kubeconfig = api.kubeconfig();
    return Environment.of(
        Map.of("KUBECONFIG", kubeconfig.toString()),
        Map.of(kubeconfig, Files.readString(kubeconfig)));
  }

  private static EndpointSet firstOf(Discovery discovery) {
    try (ServiceWatch watch = discovery.watch("k8s+api:///web.shop:http")) {
      return watch.first().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw new AssertionError("no first snapshot of k8s+api:///web.shop:http: " + e, e);
    }
  }

  @Test
  void twoDiscoveries_withTheirOwnKubeconfig_eachWatchTheirOwnCluster() throws Exception {
    try (FakeApiServer one = FakeApiServer.start(shop(1, "10.1.0.1"));
        FakeApiServer two = FakeApiServer.start(shop(2, "10.2.0.1"));
        Discovery first = Discovery.builder().environment(kubeconfigOf(one)).build();
        Discovery second = Discovery.builder().environment(kubeconfigOf(two)).build()) {
      assertThat(firstOf(first).size()).as("pods of the first cluster").isEqualTo(1);
      assertThat(firstOf(second).size()).as("pods of the second cluster").isEqualTo(2);
    }
  }

  @Test
  void aLaterDiscovery_readsItsOwnEnvironment_afterAnEarlierOneClosed() throws Exception {
    try (FakeApiServer one = FakeApiServer.start(shop(1, "10.1.0.1"));
        Discovery first = Discovery.builder().environment(kubeconfigOf(one)).build()) {
      assertThat(firstOf(first).size()).isEqualTo(1);
    }
    try (FakeApiServer two = FakeApiServer.start(shop(2, "10.2.0.1"));
        Discovery second = Discovery.builder().environment(kubeconfigOf(two)).build()) {
      assertThat(firstOf(second).size()).as("pods of the second cluster").isEqualTo(2);
    }
  }
}
