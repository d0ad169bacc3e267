package dev.discovery.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.bench.report.Footprint;
import dev.discovery.bench.report.Summary;
import dev.discovery.bench.update.RetainedSize;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs everything and writes the results: the pick benchmarks with 1 and then 2 threads, the update
 * and the resolve benchmarks (all with JMH's GC profiler), the JOL retained sizes, the footprint
 * and the summary, with the machine's facts and its load average before each phase. Started by
 * {@code discovery-bench/run-bench}, which builds the reactor and writes the dependency lists the
 * footprint reads.
 *
 * <pre>
 * Bench quick|full [--results DIR] [--reactor DIR] [--include REGEX] [--param NAME=V1,V2]...
 * </pre>
 */
public final class Bench {
  /** Iterations of one phase. */
  public record Phase(
      int warmupIterations, TimeValue warmup, int iterations, TimeValue measurement) {

    /** Seconds of warm-up and measurement in one fork of one benchmark. */
    public double seconds() {
      return (warmupIterations * warmup.convertTo(TimeUnit.MILLISECONDS)
              + iterations * measurement.convertTo(TimeUnit.MILLISECONDS))
          / 1000.0;
    }

    /** {@code 2 x 500 ms warm-up, 5 x 400 ms measured}. */
    public String describe() {
      return warmupIterations
          + " x "
          + warmup
          + " warm-up, "
          + iterations
          + " x "
          + measurement
          + " measured";
    }
  }

  /**
   * Settings of one mode: forks, and the iterations of the pick, update and resolve phases.
   *
   * <p>{@code full} keeps 3 forks everywhere (run-to-run variance, the largest, is sampled 3 times)
   * and trims iterations to fit about 37 minutes on 2 cores: a pick takes nanoseconds, so 400 ms
   * holds tens of millions of them and 2 x 500 ms of warm-up is ample for the JIT; 15 samples per
   * result give a meaningful 99.9% interval. Updates (milliseconds) and lookups (up to tens of ms)
   * get 1 s iterations.
   */
  public record Mode(String name, int forks, Phase pick, Phase update, Phase resolve) {

    public static Mode named(String name) {
      return switch (name) {
        case "quick" ->
            new Mode(
                "quick",
                1,
                new Phase(1, TimeValue.milliseconds(300), 2, TimeValue.milliseconds(300)),
                new Phase(1, TimeValue.seconds(1), 2, TimeValue.seconds(1)),
                new Phase(1, TimeValue.seconds(1), 2, TimeValue.seconds(1)));
        case "full" ->
            new Mode(
                "full",
                3,
                new Phase(2, TimeValue.milliseconds(500), 5, TimeValue.milliseconds(400)),
                new Phase(2, TimeValue.seconds(1), 5, TimeValue.seconds(1)),
                new Phase(2, TimeValue.seconds(1), 5, TimeValue.seconds(1)));
        default ->
            throw new IllegalArgumentException("mode: \"" + name + "\" (expected: quick or full)");
      };
    }
  }

  /** The benchmarks of one phase. */
  public enum Scope {
    // The traffic-aware policies' and pick counting's benchmarks (TrafficPickBenchmark,
    // GrpcTrafficPickBenchmark, MetricsPickBenchmark) are run on their own with JMH, each beside
    // plain random in the same run; the full mode's summary does not show them.
    PICK("dev\\.discovery\\.bench\\.pick\\.(?!TrafficPick|GrpcTrafficPick|MetricsPick).*", 1.5),
    UPDATE("dev\\.discovery\\.bench\\.update\\..*", 1.5),
    RESOLVE("dev\\.discovery\\.bench\\.resolve\\..*", 2.5);

    final String pattern;

    /**
     * Seconds a fork takes besides its iterations (JVM start, set-up, JMH's pauses), from a quick
     * run on 2 cores under a load of 3.5 (1.4, 0.8 and 2.0 s seen), rounded up.
     */
    final double forkOverhead;

    Scope(String pattern, double forkOverhead) {
      this.pattern = pattern;
      this.forkOverhead = forkOverhead;
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
    double estimate = estimateSeconds(mode, include, params);
    System.out.printf(
        Locale.ROOT,
        "bench: %s mode, estimated %.0f min of benchmarks (plus the build)%n",
        mode.name(),
        estimate / 60);
    Instant started = Instant.now();
    List<Map<String, Object>> load = new ArrayList<>();
    for (int threads : PICK_THREADS) {
      load.add(load("pick, " + threads + (threads == 1 ? " thread" : " threads")));
      runJmh(
          jmh(mode, Scope.PICK, include, params).threads(threads),
          results.resolve("pick-t" + threads + ".json"));
    }
    load.add(load("update"));
    runJmh(jmh(mode, Scope.UPDATE, include, params), results.resolve("update.json"));
    load.add(load("resolve"));
    runJmh(jmh(mode, Scope.RESOLVE, include, params), results.resolve("resolve.json"));
    load.add(load("end"));
    RetainedSize.write(results.resolve("retained.json"), 10_000);
    Footprint.write(reactor, results.resolve("footprint.json"));
    Instant finished = Instant.now();
    Map<String, Object> run = new LinkedHashMap<>();
    String command = System.getenv("BENCH_COMMAND");
    run.put("command", command == null || command.isBlank() ? "Bench " + arguments : command);
    run.put("mode", mode.name());
    run.put("forks", mode.forks());
    run.put("pick", mode.pick().describe());
    run.put("update", mode.update().describe());
    run.put("resolve", mode.resolve().describe());
    run.put("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
    run.put("finished", finished.truncatedTo(ChronoUnit.SECONDS).toString());
    run.put("estimatedMinutes", Math.round(estimate / 6) / 10.0);
    run.put("tookMinutes", Math.round(Duration.between(started, finished).getSeconds() / 6) / 10.0);
    run.put("load", load);
    run.putAll(Machine.facts());
    Files.writeString(
        results.resolve("run.json"), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(run));
    Path summary = Summary.write(results);
    System.out.println("bench: wrote " + summary);
  }

  /** Runs the benchmarks {@code options} select, writing JMH's JSON to {@code out}. */
  public static void runJmh(ChainedOptionsBuilder options, Path out) throws RunnerException {
    new Runner(options.result(out.toString()).resultFormat(ResultFormatType.JSON).build()).run();
  }

  private static Map<String, Object> load(String phase) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("before", phase);
    m.put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("load", Machine.load());
    return m;
  }

  /** JMH options for the benchmarks of {@code scope} (and matching {@code include}, if given). */
  public static ChainedOptionsBuilder jmh(
      Mode mode, Scope scope, String include, Map<String, String[]> params) {
    Phase phase = phase(mode, scope);
    ChainedOptionsBuilder b =
        new OptionsBuilder()
            .include(pattern(scope, include))
            .forks(mode.forks())
            .warmupIterations(phase.warmupIterations())
            .warmupTime(phase.warmup())
            .measurementIterations(phase.iterations())
            .measurementTime(phase.measurement())
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(JVM_ARGS)
            .shouldFailOnError(true);
    params.forEach(b::param);
    return b;
  }

  private static String pattern(Scope scope, String include) {
    return include == null ? scope.pattern : "^(?=.*(?:" + include + "))" + scope.pattern;
  }

  private static Phase phase(Mode mode, Scope scope) {
    return switch (scope) {
      case PICK -> mode.pick();
      case UPDATE -> mode.update();
      case RESOLVE -> mode.resolve();
    };
  }

  /**
   * How long the benchmarks of {@code mode} take: for every benchmark and combination of its
   * parameters (with the overrides in {@code params}), forks x (iterations + a fork's overhead);
   * the pick benchmarks once per thread count.
   */
  public static double estimateSeconds(Mode mode, String include, Map<String, String[]> params) {
    PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
    BenchmarkList list = BenchmarkList.defaultList();
    double seconds = 0;
    for (Scope scope : Scope.values()) {
      long runs = 0;
      for (BenchmarkListEntry e :
          list.find(
              OutputFormatFactory.createFormatInstance(silent, VerboseMode.SILENT),
              List.of(pattern(scope, include)),
              List.of())) {
        long combinations = 1;
        if (e.getParams().hasValue()) {
          for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
            String[] values = params.getOrDefault(p.getKey(), p.getValue());
            combinations *= values.length;
          }
        }
        runs += combinations;
      }
      if (scope == Scope.PICK) {
        runs *= PICK_THREADS.length;
      }
      seconds += runs * mode.forks() * (phase(mode, scope).seconds() + scope.forkOverhead);
    }
    return seconds;
  }
}
