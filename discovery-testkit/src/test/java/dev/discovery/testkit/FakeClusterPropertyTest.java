package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random mutation sequences (seeded, so a failure replays): after every step the EndpointSlices
 * must say exactly what the pods say, computed here from the pods directly.
 */
class FakeClusterPropertyTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
  void slices_alwaysMatchThePods_afterAnySequenceOfMutations(long seed) {
    Random random = new Random(seed);
    FakeCluster cluster = FakeCluster.builder().maxEndpointsPerSlice(3).build();
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.apply(
        Service.clusterIp("shop", "pub")
            .selector("tier", "front")
            .publishNotReadyAddresses(true)
            .port("grpc", 443, "grpc")
            .port("http", 80, 8080)
            .build());
    Map<String, Set<String>> slicesSeen = new HashMap<>();
    for (int step = 0; step < 300; step++) {
      mutate(cluster, random, step);
      check(cluster.snapshot(), cluster.maxEndpointsPerSlice(), slicesSeen);
    }
  }

  private static void mutate(FakeCluster cluster, Random random, int step) {
    List<Pod> pods = cluster.pods("shop");
    String name = "p-" + random.nextInt(25);
    boolean exists = cluster.pod("shop", name).isPresent();
    switch (random.nextInt(7)) {
      case 0, 1 -> {
        Pod.Builder b =
            Pod.builder("shop", name)
                .label("app", random.nextBoolean() ? "web" : "other")
                .containerPort("grpc", random.nextBoolean() ? 50051 : 9090)
                .ready(random.nextInt(4) != 0);
        if (random.nextBoolean()) {
          b.label("tier", "front");
        }
        if (random.nextBoolean()) {
          b.node("node-a");
        }
        if (random.nextInt(5) == 0) {
          b.ip("fd00::" + Integer.toHexString(step + 1));
        }
        if (random.nextInt(3) == 0) {
          b.hostname(name).subdomain("web");
        }
        cluster.apply(b.build());
      }
      case 2 -> {
        if (exists) {
          cluster.deletePod("shop", name);
        }
      }
      case 3 -> {
        if (exists) {
          cluster.setReady("shop", name, random.nextBoolean());
        }
      }
      case 4 -> {
        if (exists) {
          cluster.startTerminating("shop", name);
        }
      }
      case 5 -> {
        if (exists) {
          cluster.relabel("shop", name, random.nextBoolean() ? Map.of("app", "web") : Map.of());
        }
      }
      default -> {
        if (pods.stream().anyMatch(p -> p.name().startsWith("s-"))) {
          cluster.scale("shop", "s", random.nextInt(8));
        } else {
          cluster.scale(Pod.builder("shop", "s").label("app", "web").build(), random.nextInt(8));
        }
      }
    }
  }

  private static void check(ClusterSnapshot snap, int max, Map<String, Set<String>> seen) {
    Set<String> sliceNames = new HashSet<>();
    for (Service service : snap.services()) {
      List<EndpointSlice> slices = snap.endpointSlices("shop", service.name());
      Map<String, EndpointSlice.Endpoint> actual = new HashMap<>();
      Map<String, List<EndpointSlice.Port>> actualPorts = new HashMap<>();
      for (EndpointSlice slice : slices) {
        assertThat(sliceNames.add(slice.name())).as("slice names are unique").isTrue();
        assertThat(slice.endpoints().size()).isLessThanOrEqualTo(max);
        if (slice.endpoints().isEmpty()) {
          assertThat(slices).as("only a lone placeholder slice is empty").hasSize(1);
        }
        for (EndpointSlice.Endpoint e : slice.endpoints()) {
          String key = e.podName() + "/" + slice.addressType();
          assertThat(actual.put(key, e)).as("endpoint %s listed once", key).isNull();
          assertThat(IpFamily.of(e.address())).isEqualTo(slice.addressType());
          actualPorts.put(key, slice.ports());
        }
      }
      Map<String, EndpointSlice.Endpoint> expected = new HashMap<>();
      Map<String, List<EndpointSlice.Port>> expectedPorts = new HashMap<>();
      for (Pod pod : snap.pods("shop")) {
        if (!pod.matches(service.selector())) {
          continue;
        }
        for (IpFamily family : service.ipFamilies()) {
          if (pod.ip(family) == null) {
            continue;
          }
          boolean ready = service.publishNotReadyAddresses() || (pod.ready() && !pod.terminating());
          String zone = pod.zone() != null ? pod.zone() : pod.node() != null ? "zone-a" : null;
          String hostname = service.name().equals(pod.subdomain()) ? pod.hostname() : null;
          String key = pod.name() + "/" + family;
          expected.put(
              key,
              new EndpointSlice.Endpoint(
                  pod.ip(family),
                  ready,
                  pod.ready(),
                  pod.terminating(),
                  hostname,
                  pod.node(),
                  zone,
                  pod.name(),
                  snap.metadata(pod).uid(),
                  List.of(),
                  List.of()));
          expectedPorts.put(key, expectedPorts(service, pod));
        }
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(actualPorts).isEqualTo(expectedPorts);
    }
    seen.put("all", sliceNames);
  }

  private static List<EndpointSlice.Port> expectedPorts(Service service, Pod pod) {
    List<EndpointSlice.Port> out = new ArrayList<>();
    for (Service.Port p : service.ports()) {
      Integer number = null;
      if (p.targetPort() instanceof dev.discovery.spi.ServicePort.Number n) {
        number = n.value();
      } else {
        String name = p.targetPort().toString();
        number =
            pod.ports().stream()
                .filter(c -> name.equals(c.name()))
                .map(ContainerPort::port)
                .findFirst()
                .orElse(null);
      }
      if (number != null) {
        out.add(new EndpointSlice.Port(p.name(), p.protocol(), number, null));
      }
    }
    return out;
  }
}
