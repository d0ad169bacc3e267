package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.Environment;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * discovery-api's traffic-aware policies as gRPC policies, against real gRPC servers on loopback:
 * {@code least_request} around a slow backend, {@code outlierEjection} of a failing one, {@code
 * zoneAware} over pods on zoned Nodes served by the Kubernetes API. Shares are asserted with wide
 * margins; the figures are printed.
 */
class TrafficPoliciesEndToEndTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  /** A channel to {@code target} with {@code policy} configured by {@code json}. */
  static ManagedChannel channel(
      String target, Discovery discovery, String policy, Map<String, ?> json) {
    return Calls.builder(target, discovery)
        .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of(policy, json))))
        .build();
  }

  /** {@code calls} calls from {@code threads} threads at once; the failed ones' status codes. */
  static List<String> load(ManagedChannel channel, int threads, int calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  List<String> failures = new ArrayList<>();
                  for (int i = 0; i < calls / threads; i++) {
                    String outcome = Calls.outcome(channel);
                    if (!outcome.contains(":")) {
                      failures.add(outcome);
                    }
                  }
                  return failures;
                }));
      }
      List<String> failures = new ArrayList<>();
      for (Future<List<String>> f : done) {
        failures.addAll(f.get());
      }
      return failures;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The share of {@code backends}' received calls that {@code one} received, since the marks. */
  private static double share(Backends backends, Backends.Backend one, int[] marks) {
    int total = 0;
    for (int i = 0; i < backends.all().size(); i++) {
      total += backends.get(i).calls() - marks[i];
    }
    return (double) (one.calls() - marks[backends.all().indexOf(one)]) / total;
  }

  private static int[] marks(Backends backends) {
    return backends.all().stream().mapToInt(Backends.Backend::calls).toArray();
  }

  @Test
  void leastRequest_sendsASlowBackendFarLessThanItsShare() throws Exception {
    try (Backends backends = Backends.started(203, 4)) {
      for (Backends.Backend b : backends.all()) {
        b.delay(Duration.ofMillis(5));
      }
      Backends.Backend slow = backends.get(3).delay(Duration.ofMillis(50)); // 10x
      Map<String, Double> shares = new java.util.LinkedHashMap<>();
      for (String policy : List.of("random", "least_request")) {
        ManagedChannel channel = channel(backends.staticTarget(), null, policy, Map.of());
        try {
          load(channel, 16, 160); // warm-up: every connection READY
          int[] marks = marks(backends);
          assertThat(load(channel, 16, 1600)).isEmpty();
          shares.put(policy, share(backends, slow, marks));
        } finally {
          Calls.shutdown(channel);
        }
      }
      System.out.printf(
          "[figures] one backend of 4 answers in 50 ms, the others in 5 ms; 16 callers, 1600 calls:"
              + " its share under random %.1f %%, under least_request %.1f %%%n",
          100 * shares.get("random"), 100 * shares.get("least_request"));
      assertThat(shares.get("least_request")).isLessThan(0.6 * 0.25);
    }
  }

  @Test
  void outlierEjection_takesAFailingBackendOut_andBackAfterTheBaseTime() throws Exception {
    try (Backends backends = Backends.started(204, 3)) {
      ManagedChannel channel =
          channel(
              backends.staticTarget(),
              null,
              "random",
              Map.of(
                  "outlierEjection",
                  Map.of(
                      "consecutiveFailures", 3.0,
                      "interval", "1s",
                      "baseEjectionTime", "1s")));
      try {
        load(channel, 1, 30);
        Backends.Backend bad = backends.get(0).failWith(Status.UNAVAILABLE);
        // Ejected at its 3rd failure in a row: then 300 calls in a row succeed.
        List<String> recent = new ArrayList<>();
        await()
            .atMost(BOUND)
            .until(
                () -> {
                  recent.clear();
                  recent.addAll(load(channel, 1, 300));
                  return recent.isEmpty();
                });
        int failedWhenEjected = bad.failed.get();
        bad.failWith(null);
        int served = bad.served.get();
        await().atMost(BOUND).until(() -> Calls.outcome(channel).equals(bad.name()));
        System.out.printf(
            "[figures] outlierEjection (3 in a row, base 1 s): the failing backend of 3 failed %d"
                + " calls before 300 in a row succeeded; answering again, it is back (%d calls)%n",
            failedWhenEjected, bad.served.get() - served);
        assertThat(failedWhenEjected).isGreaterThanOrEqualTo(3);
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  /**
   * {@code zoneAware} over 3 pods in each of two zones (pods on Nodes labelled with their zone),
   * through the Kubernetes API: the caller's zone given in the config, or read by the API source
   * from the Node that {@code NODE_NAME} names (the snapshot's {@code client.zone}).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"zone in the config, 205", "client.zone from NODE_NAME, 207"})
  void zoneAware_keepsCallsInTheCallersZone_andSpillsWhenItsPodsTurnUnready(
      String caller, int subnet) throws Exception {
    boolean fromNode = caller.startsWith("client.zone");
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.clusterIp(ClusterDirectory.NAMESPACE, "web")
            .selector("app", "web")
            .port("grpc", 50051, "grpc")
            .build());
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(Node.builder("node-b").zone("zone-b").build());
    try (Backends backends = Backends.started(subnet, 6);
        FakeApiServer api = FakeApiServer.start(cluster);
        Discovery discovery =
            Discovery.builder()
                .provider(ApiResolverProvider.builder().kubeconfig(api.kubeconfig()).build())
                .environment(
                    fromNode
                        ? Environment.of(Map.of("NODE_NAME", "node-a"), Map.of())
                        : Environment.empty())
                .build()) {
      List<String> zoneA = new ArrayList<>();
      cluster.batch(
          m -> {
            for (int i = 0; i < 6; i++) {
              Backends.Backend b = backends.get(i);
              if (i < 3) {
                zoneA.add(b.name());
              }
              m.apply(
                  Pod.builder(ClusterDirectory.NAMESPACE, "web-" + i)
                      .ip(b.address.getAddress())
                      .label("app", "web")
                      .containerPort("grpc", b.address.getPort())
                      .node(i < 3 ? "node-a" : "node-b")
                      .build());
            }
          });
      ManagedChannel channel =
          channel(
              "k8s+api:///web.shop:grpc",
              discovery,
              "random",
              Map.of("zoneAware", fromNode ? Map.of() : Map.of("zone", "zone-a")));
      try {
        await().atMost(BOUND).ignoreExceptions().until(() -> zoneA.contains(Calls.who(channel)));
        int[] marks = marks(backends);
        assertThat(load(channel, 4, 1000)).isEmpty();
        int inZone = 0;
        for (int i = 0; i < 3; i++) {
          inZone += backends.get(i).calls() - marks[i];
        }
        double share = inZone / 1000.0;
        cluster.batch(
            m -> {
              for (int i = 0; i < 3; i++) {
                m.setReady(ClusterDirectory.NAMESPACE, "web-" + i, false);
              }
            });
        await().atMost(BOUND).until(() -> !zoneA.contains(Calls.outcome(channel)));
        int[] spilled = marks(backends);
        List<String> failures = load(channel, 4, 400);
        int outOfZone = 0;
        for (int i = 3; i < 6; i++) {
          outOfZone += backends.get(i).calls() - spilled[i];
        }
        System.out.printf(
            "[figures] zoneAware (%s, 3 pods per zone, k8s+api): %.1f %% of 1000 calls in zone-a;"
                + " zone-a's pods unready: %d of 400 calls to zone-b, %d failed%n",
            caller, 100 * share, outOfZone, failures.size());
        assertThat(share).isGreaterThan(0.95);
        assertThat(failures).isEmpty();
        assertThat(outOfZone).isEqualTo(400);
      } finally {
        Calls.shutdown(channel);
      }
    }
  }
}
