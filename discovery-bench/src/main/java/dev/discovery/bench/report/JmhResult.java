package dev.discovery.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result as read from JMH's JSON: a benchmark at some parameters and thread count, its
 * score with the 99.9% confidence interval JMH computed, the bytes allocated per operation from the
 * GC profiler ({@code gc.alloc.rate.norm}, NaN when absent) and the score of every secondary metric
 * (profilers' and auxiliary counters') by name.
 */
public record JmhResult(
    String benchmark,
    Map<String, String> params,
    int threads,
    int forks,
    int samples,
    double score,
    double error,
    double low,
    double high,
    String unit,
    double bytesPerOp,
    double bytesPerOpError,
    Map<String, Double> secondary) {

  /** The class's simple name and the method: {@code RandomPickBenchmark.floor}. */
  public String shortName() {
    String[] parts = benchmark.split("\\.");
    return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }

  public String param(String name) {
    return params.get(name);
  }

  /** The score of the secondary metric {@code name}, or NaN when absent. */
  public double secondary(String name) {
    Double v = secondary.get(name);
    return v == null ? Double.NaN : v;
  }

  /** Reads every result in a JMH JSON file. */
  public static List<JmhResult> read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** Parses JMH's JSON ({@code -rf json}): an array of results. */
  @SuppressWarnings("unchecked")
  public static List<JmhResult> parse(String json, String origin) throws IOException {
    Object root = JSON.std.anyFrom(json);
    if (!(root instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "JMH results: " + origin + " (expected: a JSON array, as JMH's -rf json writes)");
    }
    List<JmhResult> out = new ArrayList<>();
    for (Object o : list) {
      Map<String, Object> r = (Map<String, Object>) o;
      Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
      if (r.get("benchmark") == null || primary == null) {
        throw new IllegalArgumentException(
            "JMH result in " + origin + " (expected: benchmark and primaryMetric fields)");
      }
      Map<String, String> params = new LinkedHashMap<>();
      Object p = r.get("params");
      if (p instanceof Map<?, ?> m) {
        m.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
      }
      double low = Double.NaN;
      double high = Double.NaN;
      if (primary.get("scoreConfidence") instanceof List<?> ci && ci.size() == 2) {
        low = number(ci.get(0));
        high = number(ci.get(1));
      }
      double bytes = Double.NaN;
      double bytesError = Double.NaN;
      Map<String, Double> secondaries = new LinkedHashMap<>();
      if (r.get("secondaryMetrics") instanceof Map<?, ?> s) {
        s.forEach(
            (name, metric) -> {
              if (metric instanceof Map<?, ?> m) {
                secondaries.put(String.valueOf(name), number(m.get("score")));
              }
            });
        if (s.get("gc.alloc.rate.norm") instanceof Map<?, ?> g) {
          bytes = number(g.get("score"));
          bytesError = number(g.get("scoreError"));
        }
      }
      out.add(
          new JmhResult(
              String.valueOf(r.get("benchmark")),
              Map.copyOf(params),
              (int) number(r.get("threads")),
              (int) number(r.getOrDefault("forks", 0)),
              samples(primary.get("rawData")),
              number(primary.get("score")),
              number(primary.get("scoreError")),
              low,
              high,
              String.valueOf(primary.get("scoreUnit")),
              bytes,
              bytesError,
              Map.copyOf(secondaries)));
    }
    return out;
  }

  private static int samples(Object rawData) {
    int n = 0;
    if (rawData instanceof List<?> forks) {
      for (Object fork : forks) {
        if (fork instanceof List<?> iterations) {
          n += iterations.size();
        }
      }
    }
    return n;
  }

  /** A JSON number, or NaN for JMH's {@code "NaN"} and anything else that is not one. */
  static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if (o instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
