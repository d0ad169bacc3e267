package dev.discovery.bench.report;

import static dev.discovery.bench.report.Format.bytes;
import static dev.discovery.bench.report.Format.cell;
import static dev.discovery.bench.report.Format.err;
import static dev.discovery.bench.report.Format.join;
import static dev.discovery.bench.report.Format.megabytes;
import static dev.discovery.bench.report.Format.millis;
import static dev.discovery.bench.report.Format.num;
import static dev.discovery.bench.report.Format.ratio;
import static dev.discovery.bench.report.Measurements.GRPC;
import static dev.discovery.bench.report.Measurements.GRPC_STICKY;
import static dev.discovery.bench.report.Measurements.RANDOM;
import static dev.discovery.bench.report.Measurements.RESOLVE;
import static dev.discovery.bench.report.Measurements.STICKY;
import static dev.discovery.bench.report.Measurements.UPDATE;

import dev.discovery.bench.report.Goals.Goal;
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

/**
 * Writes {@code summary.md} from what one run left in the results directory ({@link Measurements}):
 * the run and the machine, every goal with its figure and verdict ({@link Goals}), and a table per
 * benchmark with ratios against the peers measured in the same run. Every figure comes from those
 * files.
 */
public final class Summary {
  /** A 1-minute load average above this at the start means other processes shared the cores. */
  static final double BUSY_LOAD = 1.5;

  private final Measurements m;
  private final Goals goals;

  Summary(Measurements m) {
    this.m = m;
    this.goals = new Goals(m);
  }

  /** Reads every input in {@code dir}; inputs that are absent leave their sections unmeasured. */
  public static Summary load(Path dir) throws IOException {
    return new Summary(Measurements.load(dir));
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

  /** The whole markdown summary. */
  public String render() {
    StringBuilder md = new StringBuilder();
    md.append("# discovery-bench summary\n\n");
    renderRun(md);
    renderGoals(md);
    renderRandom(md);
    renderGrpc(md);
    renderSticky(md);
    renderGrpcSticky(md);
    renderUpdate(md);
    renderRetained(md);
    renderResolve(md);
    renderFootprint(md);
    if (m.api() != null) {
      md.append('\n');
      new ApiSummary(m.api()).render(md);
    }
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private void renderRun(StringBuilder md) {
    Map<String, Object> run = m.run();
    if (!run.isEmpty()) {
      md.append("- Command: `").append(run.getOrDefault("command", "?")).append("`");
      md.append(" (commit ").append(run.getOrDefault("commit", "?")).append(")\n");
      md.append("- Mode: ").append(run.getOrDefault("mode", "?"));
      md.append(", ").append(run.getOrDefault("forks", "?")).append(" forks per benchmark;");
      md.append(" picks ").append(run.getOrDefault("pick", "?"));
      md.append("; updates ").append(run.getOrDefault("update", "?"));
      md.append("; lookups ").append(run.getOrDefault("resolve", "?")).append('\n');
      md.append("- When: ").append(run.getOrDefault("started", "?"));
      md.append(" to ").append(run.getOrDefault("finished", "?"));
      md.append(" (").append(run.getOrDefault("tookMinutes", "?")).append(" min; estimated ");
      md.append(run.getOrDefault("estimatedMinutes", "?")).append(" min)\n");
      md.append("- Machine: ").append(run.getOrDefault("cpu", "?"));
      md.append(", ").append(run.getOrDefault("cpus", "?")).append(" CPUs");
      if (run.get("memoryBytes") instanceof Number mem && mem.longValue() > 0) {
        md.append(", ").append(String.format(Locale.ROOT, "%.1f GB", mem.longValue() / 1e9));
      }
      md.append("; ").append(run.getOrDefault("os", "?"));
      md.append("; ").append(run.getOrDefault("jvm", "?"));
      md.append("; every fork with ").append("`-Xms1g -Xmx1g`\n");
      if (run.get("load") instanceof List<?> load && !load.isEmpty()) {
        md.append("- Load average (1, 5, 15 min) before each phase: ");
        List<String> parts = new ArrayList<>();
        for (Object o : load) {
          Map<String, Object> phase = (Map<String, Object>) o;
          parts.add(phase.get("before") + " " + loadText(phase.get("load")));
        }
        md.append(String.join("; ", parts)).append(". ");
        md.append(
            "The first is other processes' alone; the later ones include this run's own forks"
                + " (1 or 2 busy threads).");
        if (startLoad() > BUSY_LOAD) {
          md.append(
              " **Other processes were busy at the start (load above "
                  + num(BUSY_LOAD)
                  + "): figures are slower and intervals wider than on an idle machine.**");
        }
        md.append('\n');
      }
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

  @SuppressWarnings("unchecked")
  private double startLoad() {
    Map<String, Object> run = m.run();
    if (run.get("load") instanceof List<?> load
        && !load.isEmpty()
        && ((Map<String, Object>) load.get(0)).get("load") instanceof List<?> l
        && !l.isEmpty()
        && l.get(0) instanceof Number one) {
      return one.doubleValue();
    }
    return Double.NaN;
  }

  private static String loadText(Object load) {
    if (!(load instanceof List<?> l)) {
      return "?";
    }
    List<String> parts = new ArrayList<>();
    for (Object o : l) {
      parts.add(o instanceof Number n ? String.format(Locale.ROOT, "%.2f", n.doubleValue()) : "?");
    }
    return String.join("/", parts);
  }

  private void renderGoals(StringBuilder md) {
    md.append("## Goals\n\n");
    md.append("| goal | measured | verdict |\n| --- | --- | --- |\n");
    for (Goal g : goals.all()) {
      String v = verdictText(g);
      md.append("| ").append(g.name()).append(" | ").append(g.measured());
      md.append(" | ").append(v).append(" |\n");
    }
    md.append('\n');
  }

  /** {@code met}, {@code **missed**: why} or {@code not measured (why)}. */
  static String verdictText(Goal g) {
    return switch (g.verdict()) {
      case MET -> g.why().isEmpty() ? "met" : "met (" + g.why() + ")";
      case MISSED -> "**missed**: " + g.why();
      case NOT_MEASURED -> "not measured (" + g.why() + ")";
    };
  }

  @SuppressWarnings("unchecked")
  private void renderRandom(StringBuilder md) {
    if (m.threads(RANDOM).isEmpty()) {
      return;
    }
    md.append("## Pick without a key (ns/op)\n\n");
    md.append(
        "Two floors, both an array indexed by `ThreadLocalRandom`. **floor** returns an element"
            + " of an `Endpoint[]`: it never touches the chosen object, so it costs the same at"
            + " every size (10,000 references are 40 KB and stay in cache). **floor, generic**"
            + " returns an element of an `Object[]` cast to `Endpoint`, which is what every"
            + " generic picker's caller pays (a `Picker<T>` holds an `Object[]` by erasure): the"
            + " cast reads the chosen object's header (its class), and at 10,000 endpoints the"
            + " chosen object is seldom in cache");
    Map<String, Object> r = m.retained("random");
    if (r != null) {
      md.append(" (the ")
          .append(r.get("endpoints"))
          .append(" Endpoint objects and what they hold take ")
          .append(megabytes(((Number) r.get("endpointObjectsBytes")).longValue()))
          .append(", JOL)");
    }
    md.append(
        ", so the cast costs a cache miss. A caller that uses the endpoint (reads its address to"
            + " send a call) pays that miss anyway, with any picker; the typed floor is the"
            + " bound the goals set, the generic one shows what part of the gap is that miss.\n\n");
    md.append(
        "| endpoints | threads | floor | floor, generic | discovery random | ours ÷ floor"
            + " | ours ÷ generic floor | through a balancer | grpc round_robin | Armeria"
            + " round-robin | Stork random |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int n : m.values(RANDOM, "endpoints")) {
      for (int t : m.threads(RANDOM)) {
        String e = "" + n;
        Optional<JmhResult> ours = m.find(RANDOM + "discoveryRandom", t, "endpoints", e);
        Optional<JmhResult> floor = m.find(RANDOM + "floor", t, "endpoints", e);
        Optional<JmhResult> generic = m.find(RANDOM + "floorGeneric", t, "endpoints", e);
        md.append("| ").append(n).append(" | ").append(t).append(" | ");
        md.append(cell(floor, null)).append(" | ");
        md.append(cell(generic, floor)).append(" | ");
        md.append(cell(ours, null)).append(" | ");
        md.append(ratioCell(ours, floor)).append(" | ");
        md.append(ratioCell(ours, generic)).append(" | ");
        md.append(cell(m.find(RANDOM + "discoveryRandomBalancer", t, "endpoints", e), ours))
            .append(" | ");
        md.append(cell(m.find(GRPC, t, "endpoints", e, "policy", "round_robin"), ours))
            .append(" | ");
        md.append(cell(m.find(RANDOM + "armeriaRoundRobin", t, "endpoints", e), ours))
            .append(" | ");
        md.append(cell(m.find(RANDOM + "storkRandom", t, "endpoints", e), ours)).append(" |\n");
      }
    }
    md.append(
        "\nIn a peer's cell the ratio is peer ÷ discovery random at the same size and threads;"
            + " in \"floor, generic\" it is ÷ the floor. grpc's round_robin is driven through"
            + " grpc's `LoadBalancer` API (see the gRPC section); with 2 threads, round-robin"
            + " peers share one counter, ours shares nothing.\n\n");
  }

  private void renderGrpc(StringBuilder md) {
    md.append(
        "## gRPC: our load balancer's picker beside round_robin, both through grpc's API\n\n");
    if (m.results().stream().noneMatch(r -> r.shortName().equals(GRPC))) {
      md.append("Not in this run.\n\n");
      return;
    }
    md.append(
        "Both policies are taken from grpc's `LoadBalancerRegistry` by name, given the same"
            + " addresses through `acceptResolvedAddresses`, every subchannel turned READY through"
            + " the policy's own state listener, and the picker they publish is called with the"
            + " same `PickSubchannelArgs`.\n\n");
    md.append(
        "| endpoints | threads | discovery random (gRPC) | grpc round_robin | discovery random"
            + " (Java API) |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    for (int n : m.values(GRPC, "endpoints")) {
      for (int t : m.threads(GRPC)) {
        String e = "" + n;
        Optional<JmhResult> random = m.find(GRPC, t, "endpoints", e, "policy", "random");
        md.append("| ").append(n).append(" | ").append(t).append(" | ");
        md.append(cell(random, null)).append(" | ");
        md.append(cell(m.find(GRPC, t, "endpoints", e, "policy", "round_robin"), random));
        md.append(" | ");
        md.append(cell(m.find(RANDOM + "discoveryRandom", t, "endpoints", e), random));
        md.append(" |\n");
      }
    }
    md.append(
        "\nRatios are ÷ discovery random (gRPC). The gRPC picker picks a preallocated"
            + " `PickResult` from the same random picker as the Java API.\n\n");
  }

  private void renderSticky(StringBuilder md) {
    if (m.threads(STICKY).isEmpty()) {
      return;
    }
    md.append("## Pick with a key (ns/op)\n\n");
    md.append(
        "Keys hashed from their characters on every pick; the peers use the same 64-bit"
            + " character hash as ours, except \"Guava murmur3\" (Guava's own hash, as its users"
            + " write it). \"key hash alone\" does not depend on the endpoints. Stork has no"
            + " per-key balancer.\n\n");
    md.append(
        "| endpoints | key chars | threads | discovery sticky | key hash alone | String keys"
            + " | through a balancer | Armeria sticky | Guava consistentHash | Guava murmur3 |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    keyedRows(
        md,
        STICKY,
        (t, k, kv) -> {
          Optional<JmhResult> ours = m.find(STICKY + "discoverySticky", t, kv);
          md.append(cell(ours, null)).append(" | ");
          md.append(cell(m.find(STICKY + "keyHashOnly", t, "keyLength", k), null)).append(" | ");
          md.append(cell(m.find(STICKY + "discoveryStickyStringKey", t, kv), ours)).append(" | ");
          md.append(cell(m.find(STICKY + "discoveryStickyBalancer", t, kv), ours)).append(" | ");
          md.append(cell(m.find(STICKY + "armeriaSticky", t, kv), ours)).append(" | ");
          md.append(cell(m.find(STICKY + "guavaConsistentHash", t, kv), ours)).append(" | ");
          md.append(cell(m.find(STICKY + "guavaMurmur3ConsistentHash", t, kv), ours))
              .append(" |\n");
        });
    md.append("\nIn other cells, the ratio is that cell ÷ discovery sticky.\n\n");
  }

  private void renderGrpcSticky(StringBuilder md) {
    if (m.threads(GRPC_STICKY).isEmpty()) {
      return;
    }
    md.append("## gRPC: our sticky policy, the key in a request header (ns/op)\n\n");
    md.append(
        "discovery-grpc's `sticky` policy from grpc's registry, configured as a service config"
            + " does (`{\"sticky\":{\"header\":\"x-session-id\"}}`), driven like round_robin"
            + " above; each call carries its key in its `Metadata`. The picker can read it only"
            + " with `Metadata.get`, which decodes the header into a new `String` on every call:"
            + " that is the bytes per pick here, and \"header decode alone\" measures it. grpc-java's"
            + " only per-key policy is grpc-xds's `ring_hash` (not on this class path); round-robin"
            + " and the non-gRPC peers take no key through gRPC. So the comparison that makes sense"
            + " is with our own sticky picker called directly with `String` keys, plus the decode:"
            + " the last column is what going through gRPC costs beyond those two.\n\n");
    md.append(
        "| endpoints | key chars | threads | discovery sticky (gRPC) | header decode alone"
            + " | Java API sticky, String keys | decode + Java API | gRPC ÷ (decode + Java API) |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    keyedRows(
        md,
        GRPC_STICKY,
        (t, k, kv) -> {
          Optional<JmhResult> grpc = m.find(GRPC_STICKY + "sticky", t, kv);
          Optional<JmhResult> decode = m.find(GRPC_STICKY + "headerDecodeOnly", t, "keyLength", k);
          Optional<JmhResult> java = m.find(STICKY + "discoveryStickyStringKey", t, kv);
          md.append(cell(grpc, null)).append(" | ");
          md.append(cell(decode, null)).append(" | ");
          md.append(cell(java, null)).append(" | ");
          if (decode.isPresent() && java.isPresent()) {
            double sum = decode.get().score() + java.get().score();
            md.append(num(sum)).append(" ns | ");
            md.append(grpc.map(g -> ratio(g.score() / sum)).orElse("-")).append(" |\n");
          } else {
            md.append("- | - |\n");
          }
        });
    md.append('\n');
  }

  /** The rest of one table row, after its endpoints, key length and threads cells. */
  private interface KeyedRow {
    void append(int threads, String keyLength, String[] params);
  }

  /**
   * One row per endpoints x key length x threads of the benchmarks starting with {@code prefix}:
   * those three cells, then {@code row}'s.
   */
  private void keyedRows(StringBuilder md, String prefix, KeyedRow row) {
    for (int n : m.values(prefix, "endpoints")) {
      for (int k : m.values(prefix, "keyLength")) {
        for (int t : m.threads(prefix)) {
          md.append("| ").append(n).append(" | ").append(k).append(" | ").append(t).append(" | ");
          row.append(t, "" + k, new String[] {"endpoints", "" + n, "keyLength", "" + k});
        }
      }
    }
  }

  private void renderUpdate(StringBuilder md) {
    List<JmhResult> updates =
        m.results().stream().filter(r -> r.shortName().startsWith(UPDATE)).toList();
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
              ? "build a picker (Policy.newPicker)"
              : "one-endpoint change through a watch";
      md.append("| ").append(what).append(" | ").append(r.param("policy"));
      md.append(" | ").append(r.param("endpoints")).append(" | ").append(millis(r));
      md.append(" | ").append(megabytes(r.bytesPerOp())).append(" |\n");
    }
    md.append(
        "\nA change through a watch: the resolver's new snapshot is compared with the last one,"
            + " published, and the balancer's picker rebuilt and swapped in.\n\n");
  }

  private void renderRetained(StringBuilder md) {
    List<Map<String, Object>> retained = m.retained();
    if (retained == null) {
      return;
    }
    md.append("## Retained size (JOL GraphLayout)\n\n");
    md.append(
        "| policy | endpoints | picker beyond the Endpoints | picker + candidates beyond the"
            + " Endpoints | the Endpoint objects |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    for (Map<String, Object> row : retained) {
      md.append("| ").append(row.get("policy")).append(" | ").append(row.get("endpoints"));
      md.append(" | ").append(megabytes(((Number) row.get("pickerBytes")).longValue()));
      md.append(" | ")
          .append(megabytes(((Number) row.get("pickerWithCandidatesBytes")).longValue()));
      md.append(" | ")
          .append(megabytes(((Number) row.get("endpointObjectsBytes")).longValue()))
          .append(" |\n");
    }
    md.append('\n');
  }

  private void renderResolve(StringBuilder md) {
    List<JmhResult> lookups =
        m.results().stream().filter(r -> r.shortName().equals(RESOLVE)).toList();
    if (lookups.isEmpty()) {
      return;
    }
    md.append("## Resolve: lookups against the testkit's DNS server\n\n");
    md.append(
        "One lookup is one resolution of a watched `k8s+dns://127.0.0.1:<port>/<service>.bench:"
            + "<port>` target, as a watch runs it: `ServiceWatch.refresh()`, the DNS source's"
            + " queries (dnsjava, UDP, retried over TCP when the answer comes back truncated), the"
            + " endpoint list built, and the watch comparing it with its last snapshot; the next"
            + " lookup starts when the watch has handled the answer. A `Discovery` with its real"
            + " clock and `discovery-*` threads; the refresh rate limit is set to 1 ns (default 1"
            + " s) and the records' TTL to 30 s so that each lookup is exactly one resolution. The"
            + " FakeDnsServer runs in the same JVM on the same cores: its work is in the time, and"
            + " its allocation is counted apart. Every lookup is checked complete (all endpoints,"
            + " the right kind of Service) or the benchmark fails. Port by number: A and AAAA"
            + " (plus PTR to tell a lone address's kind); by name: A, AAAA and the port's SRV"
            + " records (each pod's port and hostname).\n\n");
    md.append(
        "| Service | port in target | endpoints | lookups/s | ms per lookup | DNS queries per"
            + " lookup | B per lookup, all threads | of which the DNS server | the client (SDK +"
            + " dnsjava) |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    List<String> order = List.of("clusterip", "headless-100", "headless-1000");
    for (JmhResult r :
        lookups.stream()
            .sorted(
                Comparator.comparing((JmhResult x) -> rank(order, x.param("service")))
                    .thenComparing(x -> "name".equals(x.param("port"))))
            .toList()) {
      double perSecond = r.score();
      double udp = r.secondary("udpQueries") / perSecond;
      double tcp = r.secondary("tcpQueries") / perSecond;
      double server = r.secondary("serverBytes") / perSecond;
      double all = r.bytesPerOp();
      md.append("| ").append(r.param("service")).append(" | ").append(r.param("port"));
      md.append(" | ").append(endpointsOf(r.param("service")));
      md.append(" | ").append(num(perSecond)).append(err(r.error()));
      md.append(" | ").append(num(1000 / perSecond));
      md.append(" | ").append(queries(udp, "UDP")).append(" + ").append(queries(tcp, "TCP"));
      md.append(" | ").append(bytes(all)).append(" | ").append(bytes(server));
      md.append(" | ").append(bytes(all - server)).append(" |\n");
    }
    md.append(
        "\nlookups/s with its 99.9% CI; queries per lookup are the server's log of each lookup"
            + " (a truncated UDP answer and its TCP retry count once each). An answer over 1232"
            + " bytes (the EDNS payload dnsjava offers; about 75 A records) is truncated: a"
            + " 100-pod headless Service already needs TCP, as it would from CoreDNS. Bytes per"
            + " lookup of the DNS server are a lower bound (threads that end mid-iteration are"
            + " not counted), so the client's share may be slightly overstated.\n\n");
  }

  private static int rank(List<String> order, String value) {
    int i = order.indexOf(value);
    return i < 0 ? order.size() : i;
  }

  private static String endpointsOf(String service) {
    if (service == null) {
      return "?";
    }
    return switch (service) {
      case "clusterip" -> "1 (the ClusterIP)";
      case "headless-100" -> "100";
      case "headless-1000" -> "1000";
      default -> "?";
    };
  }

  private static String queries(double perLookup, String transport) {
    if (Double.isNaN(perLookup)) {
      return "? " + transport;
    }
    return String.format(Locale.ROOT, "%.1f %s", perLookup, transport);
  }

  @SuppressWarnings("unchecked")
  private void renderFootprint(StringBuilder md) {
    Map<String, Object> footprint = m.footprint();
    if (footprint == null) {
      return;
    }
    md.append("## Footprint (from the reactor's dependency resolution)\n\n");
    md.append(
        "The runtime jars a user of discovery-api, discovery-k8s and discovery-grpc gets, as"
            + " Maven resolves them (`dependency:list`, runtime scope), less grpc-api and what"
            + " it brings (its subtree in discovery-grpc's `dependency:tree`): a gRPC user has"
            + " those already.\n\n");
    md.append("| jar | bytes | KB | via |\n| --- | --- | --- | --- |\n");
    for (Map<String, Object> j : m.jars()) {
      long b = ((Number) j.get("bytes")).longValue();
      md.append("| ").append(j.get("artifact")).append(" | ").append(b);
      md.append(" | ").append(String.format(Locale.ROOT, "%.1f", b / 1000.0));
      md.append(" | ").append(j.get("via")).append(" |\n");
    }
    long total = ((Number) footprint.get("totalBytes")).longValue();
    md.append("| **total** | **").append(total).append("** | **");
    md.append(String.format(Locale.ROOT, "%.1f", total / 1000.0)).append("** (");
    md.append(megabytes(total)).append(") | |\n\nNot counted (grpc-api and what it brings): ");
    md.append(join((List<String>) footprint.get("excluded"))).append(".\n");
    if (footprint.get("optionalNotCounted") instanceof List<?> optional && !optional.isEmpty()) {
      md.append("Optional dependencies, not counted (users do not get them): ");
      md.append(join((List<String>) optional)).append(".\n");
    }
  }

  private static String ratioCell(Optional<JmhResult> a, Optional<JmhResult> b) {
    return a.isPresent() && b.isPresent() ? ratio(a.get().score() / b.get().score()) : "-";
  }
}
