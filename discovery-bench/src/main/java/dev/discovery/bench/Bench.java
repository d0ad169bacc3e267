package dev.discovery.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.bench.report.Footprint;
import dev.discovery.bench.report.Summary;
import dev.discovery.bench.update.RetainedSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs everything and writes the results: the pick benchmarks with 1 and then 2 threads, the update
 * benchmarks (all with JMH's GC profiler), the JOL retained sizes, the footprint and the summary.
 * Started by {@code discovery-bench/run-bench}, which builds the reactor and writes the dependency
 * lists the footprint reads.
 *
 * <pre>
 * Bench quick|full [--results DIR] [--reactor DIR] [--include REGEX] [--param NAME=V1,V2]...
 * </pre>
 */
public final class Bench {
  /** Settings of one mode. */
  public record Mode(
      String name,
      int forks,
      int warmupIterations,
      TimeValue warmup,
      int iterations,
      TimeValue measurement,
      TimeValue updateWarmup,
      TimeValue updateMeasurement) {

    public static Mode named(String name) {
      return switch (name) {
        case "quick" ->
            new Mode(
                "quick",
                1,
                1,
                TimeValue.milliseconds(300),
                2,
                TimeValue.milliseconds(300),
                TimeValue.seconds(1),
                TimeValue.seconds(1));
        case "full" ->
            new Mode(
                "full",
                3,
                3,
                TimeValue.seconds(1),
                5,
                TimeValue.seconds(1),
                TimeValue.seconds(2),
                TimeValue.seconds(2));
        default ->
            throw new IllegalArgumentException("mode: \"" + name + "\" (expected: quick or full)");
      };
    }
  }

  /** Fixed heap and quiet peers in every fork. */
  static final String[] JVM_ARGS = {
    "-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
  };

  static final int[] PICK_THREADS = {1, 2};

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException(
          "arguments: none (expected: quick|full [--results DIR] [--reactor DIR]"
              + " [--include REGEX] [--param NAME=V1,V2])");
    }
    Mode mode = Mode.named(args[0]);
    Path results = Path.of("results");
    Path reactor = Path.of("..");
    String include = null;
    Map<String, String[]> params = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--results" -> results = Path.of(require(args[i], value));
        case "--reactor" -> reactor = Path.of(require(args[i], value));
        case "--include" -> include = require(args[i], value);
        case "--param" -> {
          String p = require(args[i], value);
          int eq = p.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException(
                "--param: \"" + p + "\" (expected: NAME=VALUE[,VALUE...])");
          }
          params.put(p.substring(0, eq), p.substring(eq + 1).split(","));
        }
        default ->
            throw new IllegalArgumentException(
                "argument: \""
                    + args[i]
                    + "\" (expected: --results, --reactor, --include, --param)");
      }
      i++;
    }
    run(mode, results, reactor, include, params, String.join(" ", args));
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + ": no value (expected: " + option + " VALUE)");
    }
    return value;
  }

  /** Runs everything of {@code mode}; JSON results and the summary go to {@code results}. */
  public static void run(
      Mode mode,
      Path results,
      Path reactor,
      String include,
      Map<String, String[]> params,
      String arguments)
      throws RunnerException, IOException {
    Files.createDirectories(results);
    try (var old = Files.list(results)) {
      for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.delete(p);
      }
    }
    Instant started = Instant.now();
    for (int threads : PICK_THREADS) {
      new Runner(
              jmh(mode, "dev\\.discovery\\.bench\\.pick\\..*", include, params, false)
                  .threads(threads)
                  .result(results.resolve("pick-t" + threads + ".json").toString())
                  .resultFormat(ResultFormatType.JSON)
                  .build())
          .run();
    }
    new Runner(
            jmh(mode, "dev\\.discovery\\.bench\\.update\\..*", include, params, true)
                .result(results.resolve("update.json").toString())
                .resultFormat(ResultFormatType.JSON)
                .build())
        .run();
    RetainedSize.write(results.resolve("retained.json"), 10_000);
    Footprint.write(reactor, results.resolve("footprint.json"));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("command", "discovery-bench/run-bench " + arguments);
    run.put("mode", mode.name());
    run.put("forks", mode.forks());
    run.put(
        "warmup",
        mode.warmupIterations()
            + " x "
            + mode.warmup()
            + " (updates: "
            + mode.updateWarmup()
            + ")");
    run.put(
        "measurement",
        mode.iterations()
            + " x "
            + mode.measurement()
            + " (updates: "
            + mode.updateMeasurement()
            + ")");
    run.put("started", started.toString());
    run.put("finished", Instant.now().toString());
    run.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    run.put("cpus", Runtime.getRuntime().availableProcessors());
    Files.writeString(
        results.resolve("run.json"), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(run));
    Path summary = Summary.write(results);
    System.out.println("bench: wrote " + summary);
  }

  /** JMH options for the benchmarks matching {@code scope} (and {@code include}, if given). */
  public static ChainedOptionsBuilder jmh(
      Mode mode, String scope, String include, Map<String, String[]> params, boolean update) {
    ChainedOptionsBuilder b =
        new OptionsBuilder()
            .include(include == null ? scope : "^(?=.*(?:" + include + "))" + scope)
            .forks(mode.forks())
            .warmupIterations(mode.warmupIterations())
            .warmupTime(update ? mode.updateWarmup() : mode.warmup())
            .measurementIterations(mode.iterations())
            .measurementTime(update ? mode.updateMeasurement() : mode.measurement())
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(JVM_ARGS)
            .shouldFailOnError(true);
    params.forEach(b::param);
    return b;
  }
}
