package dev.discovery.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Writes results in the shape of JMH's JSON, for tests of the summary. */
final class JmhJson {
  /** The endpoint counts of the pick benchmarks. */
  static final int[] SIZES = {3, 100, 10_000};

  /** Floor and our random at every size and thread count; ours = floor x factor(n, t). */
  static JmhJson randomPicks(double ratio, double oursBytes) {
    JmhJson j = new JmhJson();
    for (int n : SIZES) {
      for (int t : new int[] {1, 2}) {
        j.add("RandomPickBenchmark.floor", t, 4.0, "ns/op", 0.0, "endpoints", "" + n);
        j.add(
            "RandomPickBenchmark.discoveryRandom",
            t,
            4.0 * ratio,
            "ns/op",
            oursBytes,
            "endpoints",
            "" + n);
      }
    }
    return j;
  }

  private final List<String> entries = new ArrayList<>();

  /** A result of {@code shortName} (Class.method) with a ±10% CI and optional B/op. */
  JmhJson add(
      String shortName, int threads, double score, String unit, Double bytes, String... kv) {
    return add(shortName, threads, score, unit, bytes, Map.of(), kv);
  }

  /** The same with other secondary metrics (auxiliary counters) by name. */
  JmhJson add(
      String shortName,
      int threads,
      double score,
      String unit,
      Double bytes,
      Map<String, Double> others,
      String... kv) {
    Map<String, String> params = new TreeMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      params.put(kv[i], kv[i + 1]);
    }
    StringBuilder p = new StringBuilder();
    params.forEach(
        (k, v) -> p.append(p.length() == 0 ? "" : ",").append(q(k)).append(':').append(q(v)));
    List<String> metrics = new ArrayList<>();
    if (bytes != null) {
      metrics.add(
          "\"gc.alloc.rate.norm\":{\"score\":"
              + f(bytes)
              + ",\"scoreError\":\"NaN\",\"scoreUnit\":\"B/op\"}");
    }
    new TreeMap<>(others)
        .forEach(
            (name, value) ->
                metrics.add(
                    q(name)
                        + ":{\"score\":"
                        + f(value)
                        + ",\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\"}"));
    String secondary = "{" + String.join(",", metrics) + "}";
    entries.add(
        "{\"jmhVersion\":\"1.37\",\"benchmark\":"
            + q("dev.discovery.bench.x." + shortName)
            + ",\"mode\":\"avgt\",\"threads\":"
            + threads
            + ",\"forks\":3,\"params\":{"
            + p
            + "},\"primaryMetric\":{\"score\":"
            + f(score)
            + ",\"scoreError\":"
            + f(score / 10)
            + ",\"scoreConfidence\":["
            + f(score * 0.9)
            + ","
            + f(score * 1.1)
            + "],\"scoreUnit\":"
            + q(unit)
            + ",\"rawData\":[["
            + f(score)
            + ","
            + f(score)
            + "],["
            + f(score)
            + "]]},\"secondaryMetrics\":"
            + secondary
            + "}");
    return this;
  }

  String json() {
    return "[" + String.join(",", entries) + "]";
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  private static String f(double d) {
    return String.format(Locale.ROOT, "%.6f", d);
  }
}
