package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One workload through grpc-java's own policies and through discovery's, against real gRPC servers:
 * 4 backends, one answering 10x slower than the others, one failing every call with {@code
 * UNAVAILABLE}. grpc's {@code outlier_detection_experimental} (grpc-util, already on this class
 * path) over {@code round_robin}, beside discovery's {@code random} and {@code least_request} with
 * {@code outlierEjection}. Each runs on a fresh channel: 16 threads, 1600 calls, then 1600 more;
 * the shares are printed in one table. Only discovery's results are asserted.
 */
class GrpcPoliciesSideBySideTest {
  private static final int CALLS = 1600;

  private static Map<String, ?> grpcOutlierDetection() {
    return Map.of(
        "interval",
        "1s",
        "baseEjectionTime",
        "30s",
        "maxEjectionPercent",
        50.0,
        "failurePercentageEjection",
        Map.of(
            "threshold", 50.0,
            "enforcementPercentage", 100.0,
            "minimumHosts", 3.0,
            "requestVolume", 10.0),
        "childPolicy",
        List.of(Map.of("round_robin", Map.of())));
  }

  private static Map<String, ?> ours() {
    return Map.of("outlierEjection", Map.of("consecutiveFailures", 5.0, "baseEjectionTime", "30s"));
  }

  @Test
  void oneSlowAndOneFailingBackend_throughGrpcsPoliciesAndOurs() throws Exception {
    Map<String, Map.Entry<String, Map<String, ?>>> runs = new LinkedHashMap<>();
    runs.put("grpc round_robin", Map.entry("round_robin", Map.of()));
    runs.put(
        "grpc outlier_detection_experimental + round_robin",
        Map.entry("outlier_detection_experimental", grpcOutlierDetection()));
    runs.put("discovery random + outlierEjection", Map.entry("random", ours()));
    runs.put("discovery least_request + outlierEjection", Map.entry("least_request", ours()));
    List<String> rows = new ArrayList<>();
    Map<String, double[]> figures = new LinkedHashMap<>();
    try (Backends backends = Backends.started(206, 4)) {
      for (Backends.Backend b : backends.all()) {
        b.delay(Duration.ofMillis(5));
      }
      Backends.Backend slow = backends.get(0).delay(Duration.ofMillis(50));
      Backends.Backend failing = backends.get(1).failWith(Status.UNAVAILABLE);
      for (Map.Entry<String, Map.Entry<String, Map<String, ?>>> run : runs.entrySet()) {
        ManagedChannel channel =
            TrafficPoliciesEndToEndTest.channel(
                backends.staticTarget(), null, run.getValue().getKey(), run.getValue().getValue());
        try {
          int[] start = counts(backends);
          int failedFirst = TrafficPoliciesEndToEndTest.load(channel, 16, CALLS).size();
          int[] middle = counts(backends);
          int failedThen = TrafficPoliciesEndToEndTest.load(channel, 16, CALLS).size();
          int[] end = counts(backends);
          double slowShare = share(start, end, 0);
          double failingFirst = share(start, middle, 1);
          double failingThen = share(middle, end, 1);
          figures.put(run.getKey(), new double[] {slowShare, failingThen, failedThen});
          rows.add(
              String.format(
                  "| %s | %.1f %% | %.1f %% (%d failed) | %.1f %% (%d failed) |",
                  run.getKey(),
                  100 * slowShare,
                  100 * failingFirst,
                  failedFirst,
                  100 * failingThen,
                  failedThen));
        } finally {
          Calls.shutdown(channel);
        }
      }
    }
    System.out.println(
        "[figures] 4 backends on loopback: one answers in 50 ms (the others in 5 ms), one fails"
            + " every call (UNAVAILABLE); 16 threads, 1600 calls, then 1600 more, per policy\n"
            + "| policy | slow backend's share (all 3200) | failing backend's share, first 1600 |"
            + " failing backend's share, next 1600 |\n| --- | --- | --- | --- |\n"
            + String.join("\n", rows));
    double[] random = figures.get("discovery random + outlierEjection");
    double[] least = figures.get("discovery least_request + outlierEjection");
    assertThat(random[2]).as("failed calls once ejected, random").isZero();
    assertThat(least[2]).as("failed calls once ejected, least_request").isZero();
    assertThat(least[0]).as("slow backend's share, least_request").isLessThan(random[0]);
  }

  private static int[] counts(Backends backends) {
    return backends.all().stream().mapToInt(Backends.Backend::calls).toArray();
  }

  private static double share(int[] from, int[] to, int index) {
    int total = 0;
    for (int i = 0; i < from.length; i++) {
      total += to[i] - from[i];
    }
    return total == 0 ? 0 : (double) (to[index] - from[index]) / total;
  }
}
