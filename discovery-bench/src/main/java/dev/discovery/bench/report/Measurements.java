package dev.discovery.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What one run left in the results directory, read once: JMH's results from its JSON files, {@code
 * run.json}, {@code retained.json} and {@code footprint.json} (each absent when the run did not
 * write it), and the lookups the goals and the summary share.
 */
final class Measurements {
  static final String RANDOM = "RandomPickBenchmark.";
  static final String STICKY = "StickyPickBenchmark.";
  static final String GRPC = "GrpcPickBenchmark.pick";
  static final String GRPC_STICKY = "GrpcStickyPickBenchmark.";
  static final String UPDATE = "UpdateBenchmark.";
  static final String RESOLVE = "ResolveBenchmark.lookup";

  private final List<JmhResult> results;
  private final Map<String, Object> run;
  private final List<Object> retained;
  private final Map<String, Object> footprint;
  private final Map<String, Object> api;

  /**
   * @param run {@code run.json} (empty when absent)
   * @param retained {@code retained.json}, or {@code null} when absent
   * @param footprint {@code footprint.json}, or {@code null} when absent
   */
  Measurements(
      List<JmhResult> results,
      Map<String, Object> run,
      List<Object> retained,
      Map<String, Object> footprint) {
    this(results, run, retained, footprint, null);
  }

  /**
   * @param api {@code api.json}, or {@code null} when absent
   */
  Measurements(
      List<JmhResult> results,
      Map<String, Object> run,
      List<Object> retained,
      Map<String, Object> footprint,
      Map<String, Object> api) {
    this.api = api;
    this.results = List.copyOf(results);
    this.run = run;
    this.retained = retained;
    this.footprint = footprint;
  }

  /** Reads every input in {@code dir}; inputs that are absent stay absent. */
  static Measurements load(Path dir) throws IOException {
    List<JmhResult> results = new ArrayList<>();
    Map<String, Object> run = Map.of();
    List<Object> retained = null;
    Map<String, Object> footprint = null;
    Map<String, Object> api = null;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      String text = Files.readString(f);
      switch (name) {
        case "run.json" -> run = JSON.std.mapFrom(text);
        case "retained.json" -> retained = JSON.std.listFrom(text);
        case "footprint.json" -> footprint = JSON.std.mapFrom(text);
        case "api.json" -> api = JSON.std.mapFrom(text);
        default -> results.addAll(JmhResult.parse(text, f.toString()));
      }
    }
    return new Measurements(results, run, retained, footprint, api);
  }

  /** {@code api.json} (the API source's run), or {@code null} when absent. */
  Map<String, Object> api() {
    return api;
  }

  List<JmhResult> results() {
    return results;
  }

  /** {@code run.json}: command, mode, machine, load; empty when absent. */
  Map<String, Object> run() {
    return run;
  }

  /** The result of {@code shortName} at {@code threads} whose params include {@code kv} pairs. */
  Optional<JmhResult> find(String shortName, int threads, String... kv) {
    Predicate<JmhResult> match =
        r -> {
          if (!r.shortName().equals(shortName) || r.threads() != threads) {
            return false;
          }
          for (int i = 0; i + 1 < kv.length; i += 2) {
            if (!kv[i + 1].equals(r.param(kv[i]))) {
              return false;
            }
          }
          return true;
        };
    return results.stream().filter(match).findFirst();
  }

  /** The values of {@code param} among the benchmarks starting with {@code prefix}, ascending. */
  TreeSet<Integer> values(String prefix, String param) {
    TreeSet<Integer> out = new TreeSet<>();
    for (JmhResult r : results) {
      if (r.shortName().startsWith(prefix) && r.param(param) != null) {
        out.add(Integer.parseInt(r.param(param)));
      }
    }
    return out;
  }

  /** The thread counts the benchmarks starting with {@code prefix} ran with, ascending. */
  TreeSet<Integer> threads(String prefix) {
    TreeSet<Integer> out = new TreeSet<>();
    for (JmhResult r : results) {
      if (r.shortName().startsWith(prefix)) {
        out.add(r.threads());
      }
    }
    return out;
  }

  /** The rows of {@code retained.json}, or {@code null} when the run wrote none. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> retained() {
    return retained == null ? null : (List<Map<String, Object>>) (List<?>) retained;
  }

  /** The {@code retained.json} row of {@code policy}, or {@code null}. */
  Map<String, Object> retained(String policy) {
    if (retained == null) {
      return null;
    }
    for (Map<String, Object> m : retained()) {
      if (policy.equals(m.get("policy"))) {
        return m;
      }
    }
    return null;
  }

  /** {@code footprint.json}, or {@code null} when the run wrote none. */
  Map<String, Object> footprint() {
    return footprint;
  }

  /** The jars of {@code footprint.json} (present only). */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> jars() {
    return (List<Map<String, Object>>) footprint.get("jars");
  }
}
