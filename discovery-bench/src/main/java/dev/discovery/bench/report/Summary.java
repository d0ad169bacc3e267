package dev.discovery.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes {@code summary.md} from what one run left in the results directory: JMH's JSON files,
 * {@code retained.json}, {@code footprint.json} and {@code run.json}. Every figure and ratio comes
 * from those files; each of issue 7's goals is shown with the measured figure beside it and a
 * verdict (met, missed with the figure and why, or not measured in this run).
 */
public final class Summary {
  static final String RANDOM = "RandomPickBenchmark.";
  static final String STICKY = "StickyPickBenchmark.";
  static final String GRPC = "GrpcPickBenchmark.pick";
  static final String UPDATE = "UpdateBenchmark.";

  /** Bytes per operation below this count as zero (the GC profiler's normalisation noise). */
  static final double ZERO_BYTES = 0.5;

  static final double RANDOM_RATIO_BOUND = 1.5;
  static final double STICKY_NANOS_BOUND = 20;
  static final double STICKY_PEER_RATIO_BOUND = 2;
  static final double BUILD_MILLIS_BOUND = 20;
  static final double CHANGE_MILLIS_BOUND = 20;
  static final long RETAINED_BYTES_BOUND = 2_000_000;
  static final long FOOTPRINT_BYTES_BOUND = 2_500_000;

  /** A goal's outcome. */
  public enum Verdict {
    MET,
    MISSED,
    NOT_MEASURED
  }

  /** One goal of issue 7 with the figure measured for it. */
  public record Goal(String name, String measured, Verdict verdict, String why) {}

  private final List<JmhResult> results;
  private final Map<String, Object> run;
  private final List<Object> retained;
  private final Map<String, Object> footprint;

  Summary(
      List<JmhResult> results,
      Map<String, Object> run,
      List<Object> retained,
      Map<String, Object> footprint) {
    this.results = List.copyOf(results);
    this.run = run;
    this.retained = retained;
    this.footprint = footprint;
  }

  /** Reads every input in {@code dir}; inputs that are absent leave their sections unmeasured. */
  public static Summary load(Path dir) throws IOException {
    List<JmhResult> results = new ArrayList<>();
    Map<String, Object> run = Map.of();
    List<Object> retained = null;
    Map<String, Object> footprint = null;
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
        default -> results.addAll(JmhResult.parse(text, f.toString()));
      }
    }
    return new Summary(results, run, retained, footprint);
  }

  /** Reads {@code dir} and writes {@code dir/summary.md}. */
  public static Path write(Path dir) throws IOException {
    Path out = dir.resolve("summary.md");
    Files.writeString(out, load(dir).render());
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path out = write(Path.of(args.length > 0 ? args[0] : "results"));
    System.out.println("wrote " + out);
  }

  // ------------------------------------------------------------------------------ lookups

  List<JmhResult> results() {
    return results;
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

  private TreeSet<Integer> values(String prefix, String param) {
    TreeSet<Integer> out = new TreeSet<>();
    for (JmhResult r : results) {
      if (r.shortName().startsWith(prefix) && r.param(param) != null) {
        out.add(Integer.parseInt(r.param(param)));
      }
    }
    return out;
  }

  private TreeSet<Integer> threads(String prefix) {
    TreeSet<Integer> out = new TreeSet<>();
    for (JmhResult r : results) {
      if (r.shortName().startsWith(prefix)) {
        out.add(r.threads());
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------ goals

  /** Issue 7's goals, each with the figure measured in this run and a verdict. */
  public List<Goal> goals() {
    return List.of(
        randomGoal(), stickyGoal(), buildGoal(), retainedGoal(), changeGoal(), footprintGoal());
  }

  Goal randomGoal() {
    String name =
        "random pick within 1.5x of the floor, 1 and 2 threads, 0 B/op, at 3, 100 and 10,000"
            + " endpoints";
    List<String> missing = new ArrayList<>();
    double worst = 0;
    String worstAt = "";
    double maxBytes = 0;
    String maxBytesAt = "";
    List<String> over = new ArrayList<>();
    for (int n : List.of(3, 100, 10_000)) {
      for (int t : List.of(1, 2)) {
        String at = n + " endpoints, " + t + (t == 1 ? " thread" : " threads");
        Optional<JmhResult> ours = find(RANDOM + "discoveryRandom", t, "endpoints", "" + n);
        Optional<JmhResult> floor = find(RANDOM + "floor", t, "endpoints", "" + n);
        if (ours.isEmpty() || floor.isEmpty()) {
          missing.add(at);
          continue;
        }
        double ratio = ours.get().score() / floor.get().score();
        if (ratio > worst) {
          worst = ratio;
          worstAt = at;
        }
        if (ratio > RANDOM_RATIO_BOUND) {
          String generic =
              find(RANDOM + "floorGeneric", t, "endpoints", "" + n)
                  .map(g -> ", generic floor (Object[] + cast) " + nanos(g))
                  .orElse("");
          over.add(
              ratio(ratio)
                  + " at "
                  + at
                  + " ("
                  + nanos(ours.get())
                  + " vs floor "
                  + nanos(floor.get())
                  + generic
                  + ")");
        }
        double b = ours.get().bytesPerOp();
        if (Double.isNaN(b) || b > maxBytes) {
          maxBytes = b;
          maxBytesAt = at;
        }
      }
    }
    if (!missing.isEmpty()) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "not in this run: " + join(missing));
    }
    String measured =
        "worst " + ratio(worst) + " (" + worstAt + "); at most " + bytes(maxBytes) + "/op";
    List<String> why = new ArrayList<>();
    if (!over.isEmpty()) {
      why.add("slower than 1.5x the floor: " + join(over));
    }
    if (Double.isNaN(maxBytes)) {
      why.add("no allocation figure (run with the GC profiler)");
    } else if (maxBytes >= ZERO_BYTES) {
      why.add("allocates " + bytes(maxBytes) + "/op at " + maxBytesAt);
    }
    return verdict(name, measured, why);
  }

  Goal stickyGoal() {
    String name =
        "sticky pick <= 20 ns/op at 10,000 endpoints, 16-character keys hashed afresh, 0 B/op,"
            + " >= 2x Armeria's sticky and Guava's consistent hash";
    List<String> missing = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    List<String> why = new ArrayList<>();
    for (int t : List.of(1, 2)) {
      String at = t + (t == 1 ? " thread" : " threads");
      String[] kv = {"endpoints", "10000", "keyLength", "16"};
      Optional<JmhResult> ours = find(STICKY + "discoverySticky", t, kv);
      Optional<JmhResult> armeria = find(STICKY + "armeriaSticky", t, kv);
      Optional<JmhResult> guava = find(STICKY + "guavaConsistentHash", t, kv);
      if (ours.isEmpty() || armeria.isEmpty() || guava.isEmpty()) {
        missing.add(at);
        continue;
      }
      JmhResult o = ours.get();
      double ns = toNanos(o);
      double vsArmeria = armeria.get().score() / o.score();
      double vsGuava = guava.get().score() / o.score();
      parts.add(
          at
              + ": "
              + nanos(o)
              + ", "
              + bytes(o.bytesPerOp())
              + "/op, Armeria "
              + ratio(vsArmeria)
              + ", Guava "
              + ratio(vsGuava));
      if (ns > STICKY_NANOS_BOUND) {
        why.add(at + ": " + nanos(o) + " > 20 ns" + ciNote(o, STICKY_NANOS_BOUND) + hashShare(t));
      }
      if (Double.isNaN(o.bytesPerOp()) || o.bytesPerOp() >= ZERO_BYTES) {
        why.add(at + ": allocates " + bytes(o.bytesPerOp()) + "/op");
      }
      if (vsArmeria < STICKY_PEER_RATIO_BOUND) {
        why.add(at + ": only " + ratio(vsArmeria) + " Armeria's sticky");
      }
      if (vsGuava < STICKY_PEER_RATIO_BOUND) {
        why.add(at + ": only " + ratio(vsGuava) + " Guava's consistent hash");
      }
    }
    if (!missing.isEmpty()) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "not in this run: " + join(missing));
    }
    return verdict(name, String.join("; ", parts), why);
  }

  private String hashShare(int threads) {
    return find(STICKY + "keyHashOnly", threads, "endpoints", "10000", "keyLength", "16")
        .map(h -> " (hashing the key alone: " + nanos(h) + ")")
        .orElse("");
  }

  Goal buildGoal() {
    String name = "a sticky picker for 10,000 endpoints built in <= 20 ms";
    Optional<JmhResult> build =
        find(UPDATE + "buildPicker", 1, "policy", "sticky", "endpoints", "10000");
    if (build.isEmpty()) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "not in this run");
    }
    JmhResult b = build.get();
    String measured = millis(b) + ", " + megabytes(b.bytesPerOp()) + " garbage";
    List<String> why = new ArrayList<>();
    if (toNanos(b) / 1e6 > BUILD_MILLIS_BOUND) {
      why.add(millis(b) + " > 20 ms" + ciNote(b, BUILD_MILLIS_BOUND * 1e6));
    }
    return verdict(name, measured, why);
  }

  Goal retainedGoal() {
    String name = "a sticky picker for 10,000 endpoints retains <= 2 MB beyond the Endpoints (JOL)";
    Map<String, Object> sticky = retained("sticky");
    if (sticky == null) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "no retained.json in this run");
    }
    long bytes = ((Number) sticky.get("pickerBytes")).longValue();
    List<String> why = new ArrayList<>();
    if (bytes > RETAINED_BYTES_BOUND) {
      why.add(
          megabytes(bytes) + " > 2 MB; by class: " + sticky.get("pickerBeyondEndpointsByClass"));
    }
    return verdict(name, megabytes(bytes) + " (" + bytes + " B)", why);
  }

  Goal changeGoal() {
    String name = "a one-endpoint change to a 10,000-endpoint set applied in <= 20 ms (sticky)";
    Optional<JmhResult> sticky =
        find(UPDATE + "applyChange", 1, "policy", "sticky", "endpoints", "10000");
    if (sticky.isEmpty()) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "not in this run");
    }
    JmhResult s = sticky.get();
    String measured = millis(s) + ", " + megabytes(s.bytesPerOp()) + " garbage";
    List<String> why = new ArrayList<>();
    if (toNanos(s) / 1e6 > CHANGE_MILLIS_BOUND) {
      StringBuilder w = new StringBuilder(millis(s) + " > 20 ms" + ciNote(s, 20e6));
      find(UPDATE + "buildPicker", 1, "policy", "sticky", "endpoints", "10000")
          .ifPresent(b -> w.append("; building the sticky picker alone: ").append(millis(b)));
      find(UPDATE + "applyChange", 1, "policy", "random", "endpoints", "10000")
          .ifPresent(
              r ->
                  w.append("; the watch path with a random picker (compare, publish, candidates): ")
                      .append(millis(r)));
      why.add(w.toString());
    }
    return verdict(name, measured, why);
  }

  Goal footprintGoal() {
    String name =
        "footprint <= 2.5 MB (discovery-api, -k8s, -grpc and dependencies, less grpc-api's)";
    if (footprint == null) {
      return new Goal(name, "-", Verdict.NOT_MEASURED, "no footprint.json in this run");
    }
    long total = ((Number) footprint.get("totalBytes")).longValue();
    List<String> why = new ArrayList<>();
    if (total > FOOTPRINT_BYTES_BOUND) {
      why.add(megabytes(total) + " > 2.5 MB; largest: " + largestJar());
    }
    return verdict(name, megabytes(total) + " (" + total + " B)", why);
  }

  @SuppressWarnings("unchecked")
  private String largestJar() {
    return ((List<Map<String, Object>>) footprint.get("jars"))
        .stream()
            .max(Comparator.comparingLong(j -> ((Number) j.get("bytes")).longValue()))
            .map(j -> j.get("artifact") + " " + megabytes(((Number) j.get("bytes")).longValue()))
            .orElse("-");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> retained(String policy) {
    if (retained == null) {
      return null;
    }
    for (Object o : retained) {
      Map<String, Object> m = (Map<String, Object>) o;
      if (policy.equals(m.get("policy"))) {
        return m;
      }
    }
    return null;
  }

  private static Goal verdict(String name, String measured, List<String> why) {
    return why.isEmpty()
        ? new Goal(name, measured, Verdict.MET, "")
        : new Goal(name, measured, Verdict.MISSED, String.join("; ", why));
  }

  /** A note when {@code bound} (in ns) lies inside the result's confidence interval. */
  private static String ciNote(JmhResult r, double boundNanos) {
    double f = toNanos(r) / r.score();
    double lo = r.low() * f;
    double hi = r.high() * f;
    if (!Double.isNaN(lo) && lo <= boundNanos && boundNanos <= hi) {
      return " (the bound is inside the 99.9% CI: inconclusive)";
    }
    return "";
  }

  // ------------------------------------------------------------------------------ rendering

  /** The whole markdown summary. */
  public String render() {
    StringBuilder md = new StringBuilder();
    md.append("# discovery-bench summary\n\n");
    renderRun(md);
    renderGoals(md);
    renderRandom(md);
    renderGrpc(md);
    renderSticky(md);
    renderUpdate(md);
    renderRetained(md);
    renderFootprint(md);
    return md.toString();
  }

  private void renderRun(StringBuilder md) {
    if (!run.isEmpty()) {
      md.append("- Command: `").append(run.getOrDefault("command", "?")).append("`\n");
      md.append("- Mode: ").append(run.getOrDefault("mode", "?"));
      md.append(" (forks ").append(run.getOrDefault("forks", "?"));
      md.append(", warmup ").append(run.getOrDefault("warmup", "?"));
      md.append(", measurement ").append(run.getOrDefault("measurement", "?")).append(")\n");
      md.append("- When: ").append(run.getOrDefault("finished", "?"));
      md.append("; JVM: ").append(run.getOrDefault("jvm", "?"));
      md.append("; CPUs: ").append(run.getOrDefault("cpus", "?")).append('\n');
      if ("quick".equals(run.get("mode"))) {
        md.append(
            "- **Quick mode: smoke figures from one fork and short iterations, not evidence.**\n");
      }
    }
    md.append(
        "- Times are JMH averages with the 99.9% confidence interval (±); B = bytes allocated"
            + " per operation (JMH's GC profiler). Ratios are peer ÷ ours: above 1 means the peer"
            + " is slower. Every figure is read from this run's JSON.\n\n");
  }

  private void renderGoals(StringBuilder md) {
    md.append("## Goals (issue 7)\n\n");
    md.append("| goal | measured | verdict |\n| --- | --- | --- |\n");
    for (Goal g : goals()) {
      String v =
          switch (g.verdict()) {
            case MET -> "met";
            case MISSED -> "**missed**: " + g.why();
            case NOT_MEASURED -> "not measured (" + g.why() + ")";
          };
      md.append("| ").append(g.name()).append(" | ").append(g.measured());
      md.append(" | ").append(v).append(" |\n");
    }
    md.append('\n');
  }

  private void renderRandom(StringBuilder md) {
    if (threads(RANDOM).isEmpty()) {
      return;
    }
    md.append("## Pick without a key (ns/op)\n\n");
    md.append(
        "| endpoints | threads | floor | floor, generic | discovery random | ours ÷ floor"
            + " | through a balancer | grpc round_robin | Armeria round-robin | Stork random |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int n : values(RANDOM, "endpoints")) {
      for (int t : threads(RANDOM)) {
        String e = "" + n;
        Optional<JmhResult> ours = find(RANDOM + "discoveryRandom", t, "endpoints", e);
        Optional<JmhResult> floor = find(RANDOM + "floor", t, "endpoints", e);
        md.append("| ").append(n).append(" | ").append(t).append(" | ");
        md.append(cell(floor, null)).append(" | ");
        md.append(cell(find(RANDOM + "floorGeneric", t, "endpoints", e), floor)).append(" | ");
        md.append(cell(ours, null)).append(" | ");
        md.append(ratioCell(ours, floor)).append(" | ");
        md.append(cell(find(RANDOM + "discoveryRandomBalancer", t, "endpoints", e), ours))
            .append(" | ");
        md.append(cell(find(GRPC, t, "endpoints", e, "policy", "round_robin"), ours)).append(" | ");
        md.append(cell(find(RANDOM + "armeriaRoundRobin", t, "endpoints", e), ours)).append(" | ");
        md.append(cell(find(RANDOM + "storkRandom", t, "endpoints", e), ours)).append(" |\n");
      }
    }
    md.append(
        "\nIn a peer's cell, the ratio is peer ÷ discovery random at the same size and"
            + " threads; in \"floor, generic\" (an Object[] and a cast to Endpoint, which reads the"
            + " chosen object) it is ÷ the floor (an Endpoint[]).\n\n");
  }

  private void renderGrpc(StringBuilder md) {
    md.append(
        "## gRPC: our load balancer's picker beside round_robin, both through grpc's API\n\n");
    if (results.stream().noneMatch(r -> r.shortName().equals(GRPC))) {
      md.append("Not in this run.\n\n");
      return;
    }
    boolean ours =
        results.stream()
            .anyMatch(r -> r.shortName().equals(GRPC) && "random".equals(r.param("policy")));
    md.append("| endpoints | threads | round_robin | discovery random (gRPC) |\n");
    md.append("| --- | --- | --- | --- |\n");
    for (int n : values(GRPC, "endpoints")) {
      for (int t : threads(GRPC)) {
        String e = "" + n;
        Optional<JmhResult> rr = find(GRPC, t, "endpoints", e, "policy", "round_robin");
        Optional<JmhResult> random = find(GRPC, t, "endpoints", e, "policy", "random");
        md.append("| ").append(n).append(" | ").append(t).append(" | ");
        md.append(cell(rr, random)).append(" | ").append(cell(random, null)).append(" |\n");
      }
    }
    if (!ours) {
      md.append(
          "\nOur gRPC picker: pending (discovery-grpc does not register its `random` and"
              + " `sticky` policies yet).\n");
    }
    md.append('\n');
  }

  private void renderSticky(StringBuilder md) {
    if (threads(STICKY).isEmpty()) {
      return;
    }
    md.append("## Pick with a key (ns/op)\n\n");
    md.append(
        "Keys hashed from their characters on every pick; the peers use the same 64-bit"
            + " character hash as ours, except \"Guava murmur3\" (Guava's own hash, as its users"
            + " write it). Stork has no per-key balancer.\n\n");
    md.append(
        "| endpoints | key chars | threads | discovery sticky | key hash alone | String keys"
            + " | through a balancer | Armeria sticky | Guava consistentHash | Guava murmur3 |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int n : values(STICKY, "endpoints")) {
      for (int k : values(STICKY, "keyLength")) {
        for (int t : threads(STICKY)) {
          String[] kv = {"endpoints", "" + n, "keyLength", "" + k};
          Optional<JmhResult> ours = find(STICKY + "discoverySticky", t, kv);
          md.append("| ").append(n).append(" | ").append(k).append(" | ").append(t).append(" | ");
          md.append(cell(ours, null)).append(" | ");
          md.append(cell(find(STICKY + "keyHashOnly", t, kv), null)).append(" | ");
          md.append(cell(find(STICKY + "discoveryStickyStringKey", t, kv), ours)).append(" | ");
          md.append(cell(find(STICKY + "discoveryStickyBalancer", t, kv), ours)).append(" | ");
          md.append(cell(find(STICKY + "armeriaSticky", t, kv), ours)).append(" | ");
          md.append(cell(find(STICKY + "guavaConsistentHash", t, kv), ours)).append(" | ");
          md.append(cell(find(STICKY + "guavaMurmur3ConsistentHash", t, kv), ours)).append(" |\n");
        }
      }
    }
    md.append("\nIn other cells, the ratio is that cell ÷ discovery sticky.\n\n");
  }

  private void renderUpdate(StringBuilder md) {
    List<JmhResult> updates =
        results.stream().filter(r -> r.shortName().startsWith(UPDATE)).toList();
    if (updates.isEmpty()) {
      return;
    }
    md.append("## Updates\n\n");
    md.append("| what | policy | endpoints | time | garbage per update |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    for (JmhResult r :
        updates.stream()
            .sorted(
                Comparator.comparing(JmhResult::shortName)
                    .thenComparing(r -> Objects.toString(r.param("policy"))))
            .toList()) {
      String what =
          r.shortName().endsWith("buildPicker")
              ? "build a picker (PickerFactory.newPicker)"
              : "one-endpoint change through a watch";
      md.append("| ").append(what).append(" | ").append(r.param("policy"));
      md.append(" | ").append(r.param("endpoints")).append(" | ").append(millis(r));
      md.append(" | ").append(megabytes(r.bytesPerOp())).append(" |\n");
    }
    md.append('\n');
  }

  @SuppressWarnings("unchecked")
  private void renderRetained(StringBuilder md) {
    if (retained == null) {
      return;
    }
    md.append("## Retained size (JOL GraphLayout)\n\n");
    md.append(
        "| policy | endpoints | picker beyond the Endpoints | picker + candidates beyond the"
            + " Endpoints | the Endpoint objects |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    for (Object o : retained) {
      Map<String, Object> m = (Map<String, Object>) o;
      md.append("| ").append(m.get("policy")).append(" | ").append(m.get("endpoints"));
      md.append(" | ").append(megabytes(((Number) m.get("pickerBytes")).longValue()));
      md.append(" | ").append(megabytes(((Number) m.get("pickerWithCandidatesBytes")).longValue()));
      md.append(" | ")
          .append(megabytes(((Number) m.get("endpointObjectsBytes")).longValue()))
          .append(" |\n");
    }
    md.append('\n');
  }

  @SuppressWarnings("unchecked")
  private void renderFootprint(StringBuilder md) {
    if (footprint == null) {
      return;
    }
    md.append("## Footprint (from the reactor's dependency resolution)\n\n");
    md.append("| jar | bytes | via |\n| --- | --- | --- |\n");
    for (Map<String, Object> j : (List<Map<String, Object>>) footprint.get("jars")) {
      md.append("| ").append(j.get("artifact")).append(" | ").append(j.get("bytes"));
      md.append(" | ").append(j.get("via")).append(" |\n");
    }
    long total = ((Number) footprint.get("totalBytes")).longValue();
    md.append("| **total** | **").append(total).append("** (").append(megabytes(total));
    md.append(") | |\n\nNot counted (grpc-api and what it brings): ");
    md.append(join((List<String>) footprint.get("excluded"))).append("\n");
  }

  // ------------------------------------------------------------------------------ formatting

  /** {@code 12.3 ±0.4 · 0 B}, with {@code ×ratio} against {@code base} when given. */
  static String cell(Optional<JmhResult> r, Optional<JmhResult> base) {
    if (r.isEmpty()) {
      return "-";
    }
    JmhResult x = r.get();
    String s = nanos(x) + " · " + bytes(x.bytesPerOp());
    if (base != null && base.isPresent()) {
      s += " · " + ratio(x.score() / base.get().score());
    }
    return s;
  }

  private static String ratioCell(Optional<JmhResult> a, Optional<JmhResult> b) {
    return a.isPresent() && b.isPresent() ? ratio(a.get().score() / b.get().score()) : "-";
  }

  static double toNanos(JmhResult r) {
    double f =
        switch (r.unit()) {
          case "ns/op" -> 1;
          case "us/op" -> 1e3;
          case "ms/op" -> 1e6;
          case "s/op" -> 1e9;
          default ->
              throw new IllegalArgumentException(
                  "unit: " + r.unit() + " of " + r.benchmark() + " (expected: a time per op)");
        };
    return r.score() * f;
  }

  static String nanos(JmhResult r) {
    double f = toNanos(r) / r.score();
    return num(r.score() * f) + err(r.error() * f) + " ns";
  }

  static String millis(JmhResult r) {
    double f = toNanos(r) / r.score() / 1e6;
    return num(r.score() * f) + err(r.error() * f) + " ms";
  }

  private static String err(double e) {
    return Double.isNaN(e) ? "" : " ±" + num(e);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  static String ratio(double r) {
    return "×" + String.format(Locale.ROOT, r >= 10 ? "%.0f" : "%.2f", r);
  }

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "? B";
    }
    if (b < ZERO_BYTES) {
      return "0 B";
    }
    return b >= 10_000 ? megabytes(b) : String.format(Locale.ROOT, "%.0f B", b);
  }

  static String megabytes(double b) {
    if (Double.isNaN(b)) {
      return "? MB";
    }
    return String.format(Locale.ROOT, b >= 1e6 ? "%.2f MB" : "%.3f MB", b / 1e6);
  }

  private static String join(List<String> parts) {
    return String.join(", ", parts);
  }
}
