package dev.discovery.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.bench.report.Goals.Goal;
import dev.discovery.bench.report.Goals.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSummaryTest {
  /** {@code n} delays of 1..n ms, times {@code scale}. */
  private static List<Long> delays(int n, double scale) {
    List<Long> out = new ArrayList<>();
    for (int i = n; i >= 1; i--) { // unsorted on purpose
      out.add(Math.round(i * 1_000_000L * scale));
    }
    return out;
  }

  private static Map<String, Object> api(double apiScale) {
    Map<String, Object> peers = new LinkedHashMap<>();
    peers.put("api", delays(200, apiScale));
    peers.put("informer", delays(200, 1.0));
    peers.put("dns", delays(200, 500));
    Map<String, Object> delay = new LinkedHashMap<>();
    delay.put("service", "headless, 10 pods");
    delay.put("changes", 200);
    delay.put("warmup", 20);
    delay.put("dnsTtlSeconds", 1);
    delay.put("delayNanos", peers);
    Map<String, Object> api = new LinkedHashMap<>();
    api.put("delay", delay);
    return api;
  }

  private static Goal goal(Map<String, Object> api) {
    return new Goals(new Measurements(List.of(), Map.of(), null, null, api)).apiDelayGoal();
  }

  @Test
  void quantile_isTheNearestRank() {
    List<Long> d = delays(200, 1.0);

    assertThat(ApiSummary.quantile(d, 0.5)).isEqualTo(100e6);
    assertThat(ApiSummary.quantile(d, 0.99)).isEqualTo(198e6);
    assertThat(ApiSummary.quantile(d, 1.0)).isEqualTo(200e6);
    assertThat(ApiSummary.quantile(d, 0.0)).isEqualTo(1e6);
  }

  @Test
  void delayGoal_withinOnePointFiveOfTheInformer_isMet() {
    Goal g = goal(api(1.4));

    assertThat(g.verdict()).isEqualTo(Verdict.MET);
    assertThat(g.measured()).contains("200 changes").contains("median 140 ms vs 100 ms, ×1.40");
  }

  @Test
  void delayGoal_overOnePointFive_isMissedNamingTheRatio() {
    Goal g = goal(api(1.6));

    assertThat(g.verdict()).isEqualTo(Verdict.MISSED);
    assertThat(g.why()).contains("median ×1.60 > ×1.5").contains("p99 ×1.60 > ×1.5");
  }

  @Test
  void delayGoal_withoutApiJson_isNotMeasured() {
    Goal g = new Goals(new Measurements(List.of(), Map.of(), null, null)).apiDelayGoal();

    assertThat(g.verdict()).isEqualTo(Verdict.NOT_MEASURED);
  }

  @Test
  void requestsPerHour_comeFromTheAskedTimeouts_scaledByHowLongTheEndedWatchesLasted() {
    List<Map<String, Object>> log = new ArrayList<>();
    for (String svc : List.of("svc0", "svc1")) {
      for (String resource : List.of("services", "endpointslices")) {
        log.add(request(svc, resource, "list", 0, ""));
        log.add(request(svc, resource, "watch", 10, "300"));
        log.add(request(svc, resource, "watch", 300_010, "600")); // lasted the 300 s it asked
      }
    }
    Map<String, Object> requests = new LinkedHashMap<>();
    requests.put("services", 2);
    requests.put("runMillis", 420_000);
    requests.put("requests", log);
    Map<String, Object> api = new LinkedHashMap<>();
    api.put("requests", requests);

    Map<String, Object> f = new ApiSummary(api).requestFigures();

    assertThat((Double) f.get("initialPerService")).isEqualTo(4.0); // 2 lists, 2 watches
    assertThat((Double) f.get("meanAskedSeconds")).isEqualTo(450.0);
    assertThat((Double) f.get("lastedOverAsked")).isCloseTo(1.0, within(1e-4));
    // 2 streams x 3600 / 450 s
    assertThat((Double) f.get("perServicePerHour")).isCloseTo(16.0, within(0.01));
  }

  private static Map<String, Object> request(
      String svc, String resource, String verb, long at, String timeout) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("service", svc);
    r.put("resource", resource);
    r.put("verb", verb);
    r.put("atMillis", at);
    r.put("timeoutSeconds", timeout);
    return r;
  }

  @Test
  void summary_showsTheDelayTable_withRatiosToTheInformer(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("api.json"), JSON.std.asString(api(1.2)));

    String md = Files.readString(Summary.write(dir));

    assertThat(md)
        .contains("## The Kubernetes API source: delivery delay beside client-java's informer")
        .contains("| discovery k8s+api | 200 | 120 ms | 216 ms | 238 ms | 240 ms | ×1.20 | ×1.20 |")
        .contains("| discovery k8s+dns (TTL 1 s) | 200 | 50000 ms");
  }
}
