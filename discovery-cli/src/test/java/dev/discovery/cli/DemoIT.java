package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code discovery demo}, run as a process: no cluster, everything in that process. */
class DemoIT {
  /** One run of the demo, which every test reads. */
  private static Cli.Result r;

  @BeforeAll
  static void runDemo() {
    r = Cli.run("demo");
  }

  @Test
  void demo_playsEveryStep_andExitsZero() {
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.err()).as("stderr stays quiet: %s", r).isEmpty();
    List<String> headings = r.out().stream().filter(l -> l.startsWith("== ")).toList();
    assertThat(headings)
        .hasSize(10)
        .satisfies(h -> assertThat(h.get(0)).startsWith("== 1/9  The cluster"))
        .satisfies(h -> assertThat(h.get(1)).startsWith("== 2/9  Watch web"))
        .satisfies(h -> assertThat(h.get(2)).startsWith("== 3/9  Scale up"))
        .satisfies(h -> assertThat(h.get(3)).startsWith("== 4/9  A pod turns unready"))
        .satisfies(h -> assertThat(h.get(4)).startsWith("== 5/9  A pod terminates"))
        .satisfies(h -> assertThat(h.get(5)).startsWith("== 6/9  The DNS server goes down"))
        .satisfies(h -> assertThat(h.get(6)).startsWith("== 7/9  The DNS server is back"))
        .satisfies(
            h ->
                assertThat(h.get(7))
                    .startsWith(
                        "== 8/9  The same scale-up through the Kubernetes API and through DNS"))
        .satisfies(
            h ->
                assertThat(h.get(8))
                    .startsWith(
                        "== 9/9  A NodePort Service from outside the cluster, through the API"))
        .satisfies(
            h ->
                assertThat(h.get(9))
                    .matches("== done in .*: the watch saw 4 changes and 1 outage, .*"));
    String out = r.stdout();
    // every Service shape, as the SDK classifies it through DNS
    assertThat(out)
        .containsPattern("  web +ClusterIP \\(headless\\) +3 +web\\.shop:grpc +HEADLESS ")
        .containsPattern("  api +ClusterIP +2 +api\\.shop:grpc +CLUSTER_IP ")
        .containsPattern("  front +NodePort +1 +front\\.shop:http +CLUSTER_IP ")
        .containsPattern(
            "  db +ExternalName +- +db\\.shop:5432 +EXTERNAL_NAME +127\\.0\\.9\\.9:5432  via"
                + " db\\.shop\\.svc\\.cluster\\.local -> db\\.example\\.com");
    // each change seen by the watch, and what sticky did with the keys
    assertThat(section(r, 2)).contains("2 added").contains("0 from endpoints gone");
    assertThat(section(r, 3)).contains("1 removed").contains("0 to new endpoints");
    assertThat(section(r, 4)).contains("1 removed").contains("0 to new endpoints");
    // the outage: an error, retries, the last good list kept, nothing moved
    assertThat(section(r, 5))
        .contains("UNAVAILABLE: DNS server 127.0.0.1:")
        .containsPattern(
            "retries: the resolver waited \\d+ ms, \\d+ ms, [\\d.]+ m?s after failures")
        .contains("keeps the last good list (revision 4)")
        .contains("live list: 3 endpoints, 3 ready")
        .contains("keys moved: 0 of 1,000");
    assertThat(section(r, 6))
        .contains("revision 5")
        .contains("1 added")
        .contains("web-1  ready")
        .contains("error cleared");
  }

  @Test
  void demo_apiAct_showsOneScaleUpThroughBothSources_withTheirDelays() {
    String act = section(r, 7);

    assertThat(act)
        .containsPattern("api: +FakeApiServer https://127\\.0\\.0\\.1:\\d+ serves the same cluster")
        .contains("api:     discovery.watch(\"k8s+api:///web.shop:grpc\"): HEADLESS from api")
        .containsPattern(
            "dns:     discovery\\.watch\\(\"k8s\\+dns://127\\.0\\.0\\.1:\\d+/web\\.shop:grpc\"\\):"
                + " HEADLESS from dns, 4 endpoints, 4 ready")
        .contains("cluster: scaled shop/web to 6 pods")
        .containsPattern("api: +revision \\d+ [\\d.]+ m?s later, pushed by its watch .*: 2 added")
        .containsPattern(
            "dns: +revision 2 [\\d.]+ m?s later, at its next refresh \\(TTL 1 s\\): 2 added")
        .containsPattern("  api +[\\d.]+ m?s +a watch")
        .containsPattern("  dns +[\\d.]+ m?s +a cache");
    // the same two pods reach both
    List<String> added = r.out().stream().filter(l -> l.startsWith("           + ")).toList();
    assertThat(added.subList(added.size() - 4, added.size()))
        .extracting(l -> l.split(" +")[2])
        .satisfies(a -> assertThat(a.subList(0, 2)).isEqualTo(a.subList(2, 4)));
  }

  @Test
  void demo_nodePortAct_showsTheReadyNodesAddresses_withTheNodePort() {
    String act = section(r, 8);

    assertThat(act)
        .contains(
            "cluster: nodes node-1 127.2.0.1, node-2 127.2.0.2, node-3 127.2.0.3 (NotReady)",
            "front is a NodePort Service: port http 80, nodePort 30080")
        .containsPattern(
            "  k8s\\+api:///front\\.shop:http +\\S+ +127\\.0\\.1\\.\\d+:8080 \\(pod front-0\\)")
        .containsPattern(
            "  k8s\\+api:///front\\.shop:http\\?access=nodePort +NODE_PORT +127\\.2\\.0\\.1:30080"
                + " \\(node node-1\\) 127\\.2\\.0\\.2:30080 \\(node node-2\\)")
        .doesNotContain("127.2.0.3:30080");
  }

  /** A chart line: {@code 127.0.1.1:50051 web-0 ████ 3,373 33.7%}. */
  private static final Pattern BAR =
      Pattern.compile("^  (\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+) .* ([\\d,]+) +[\\d.]+%.*$");

  @Test
  void demo_randomCharts_areTheSeededPicksOverTheListShown() throws UnknownHostException {
    List<Map<String, Long>> charts = randomCharts(r.out());

    assertThat(charts).as("%s", r).hasSize(6);
    for (Map<String, Long> chart : charts) {
      // What the demo says: 10,000 calls, seeded with 1, over the live list printed above the
      // chart.
      List<Endpoint> endpoints = new ArrayList<>();
      for (String hostPort : chart.keySet()) {
        String[] hp = hostPort.split(":");
        endpoints.add(Endpoint.of(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1])));
      }
      Picker<Endpoint> seeded =
          Policies.random(new Random(1)).newPicker(Candidates.ofEndpoints(endpoints));
      Map<String, Long> expected = new LinkedHashMap<>();
      chart.keySet().forEach(k -> expected.put(k, 0L));
      for (int i = 0; i < 10_000; i++) {
        expected.merge(seeded.pick().hostPort(), 1L, Long::sum);
      }
      assertThat(chart).as("a random chart of %s", r).isEqualTo(expected);
    }
  }

  /** Each "random, N calls:" chart: calls per endpoint, in the order printed. */
  private static List<Map<String, Long>> randomCharts(List<String> out) {
    List<Map<String, Long>> charts = new ArrayList<>();
    Map<String, Long> chart = null;
    for (String l : out) {
      if (l.startsWith("random, ")) {
        chart = new LinkedHashMap<>();
        charts.add(chart);
        continue;
      }
      Matcher m = BAR.matcher(l);
      if (chart != null && m.matches()) {
        chart.put(m.group(1) + ":" + m.group(2), Long.parseLong(m.group(3).replace(",", "")));
      } else {
        chart = null;
      }
    }
    return charts;
  }

  /** The output of the step after heading {@code index} (0-based), up to the next heading. */
  private static String section(Cli.Result r, int index) {
    List<String> out = r.out();
    int seen = -1;
    StringBuilder b = new StringBuilder();
    for (String l : out) {
      if (l.startsWith("== ")) {
        seen++;
        continue;
      }
      if (seen == index) {
        b.append(l).append('\n');
      }
    }
    return b.toString();
  }
}
