package dev.discovery.bench.report;

import static dev.discovery.bench.report.Format.megabytes;
import static dev.discovery.bench.report.Format.num;
import static dev.discovery.bench.report.Format.ratio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kubernetes API source's figures, from {@code api.json} (written by {@code ApiBench}): delays
 * as medians and percentiles with ratios against client-java's informer from the same run, the
 * 10,000-endpoint Service, and API requests per watched Service per hour from the server's request
 * log. {@code main} writes {@code api-summary.md}; {@link Summary} appends the same sections when
 * the run left an {@code api.json}.
 */
public final class ApiSummary {
  /** The bar: the API source's delay within this multiple of the informer's. */
  static final double INFORMER_RATIO_BOUND = 1.5;

  static final String API = "api";
  static final String STICKY = "api+sticky";
  static final String INFORMER = "informer";

  private final Map<String, Object> api;

  ApiSummary(Map<String, Object> api) {
    this.api = api;
  }

  /**
   * Reads {@code dir/api.json} and {@code dir/footprint.json} and writes {@code api-summary.md}.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "results");
    Measurements m = Measurements.load(dir);
    StringBuilder md = new StringBuilder("# discovery-bench: the Kubernetes API source\n\n");
    Map<String, Object> a = m.api();
    md.append("- Command: `discovery-bench/run-bench api` (commit ").append(a.get("commit"));
    md.append("), ").append(a.get("started")).append(" to ").append(a.get("finished")).append('\n');
    md.append("- Machine: ").append(a.get("cpu")).append(", ").append(a.get("cpus"));
    md.append(" CPUs; ").append(a.get("os")).append("; ").append(a.get("jvm"));
    md.append("; `-Xms1g -Xmx1g`, one JVM for every peer and both servers\n\n");
    Goals goals = new Goals(m);
    md.append("| goal | measured | verdict |\n| --- | --- | --- |\n");
    for (Goals.Goal g : List.of(goals.apiDelayGoal(), goals.footprintGoal())) {
      md.append("| ").append(g.name()).append(" | ").append(g.measured()).append(" | ");
      md.append(Summary.verdictText(g)).append(" |\n");
    }
    md.append('\n');
    new ApiSummary(m.api()).render(md);
    Path out = dir.resolve("api-summary.md");
    Files.writeString(out, md.toString());
    System.out.println("wrote " + out);
  }

  // ---- figures ----

  /** The value at quantile {@code q} (nearest rank) of {@code samples}. */
  static double quantile(List<? extends Number> samples, double q) {
    double[] s = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }

  @SuppressWarnings("unchecked")
  Map<String, List<Number>> delays() {
    Map<String, Object> delay = (Map<String, Object>) api.get("delay");
    return delay == null ? Map.of() : (Map<String, List<Number>>) delay.get("delayNanos");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> large() {
    return (Map<String, Object>) api.getOrDefault("large", Map.of());
  }

  private static String ms(double nanos) {
    return num(nanos / 1e6) + " ms";
  }

  /** {@code median 1.23 ms, p90 ..., p99 ..., max ...}. */
  static String distribution(List<? extends Number> samples) {
    return "median "
        + ms(quantile(samples, 0.5))
        + ", p90 "
        + ms(quantile(samples, 0.9))
        + ", p99 "
        + ms(quantile(samples, 0.99))
        + ", max "
        + ms(quantile(samples, 1.0));
  }

  // ---- markdown ----

  @SuppressWarnings("unchecked")
  void render(StringBuilder md) {
    md.append("## The Kubernetes API source: delivery delay beside client-java's informer\n\n");
    Map<String, Object> delay = (Map<String, Object>) api.get("delay");
    md.append(
            "One `FakeCluster` served at once by the testkit's `FakeApiServer` (HTTPS on 127.0.0.1)"
                + " and `FakeDnsServer` (TTL "
                + delay.get("dnsTtlSeconds")
                + " s); all peers watch the same Service (")
        .append(delay.get("service"))
        .append(") at the same time, in one JVM: our `k8s+api` source (a `ServiceWatch` through")
        .append(" `ApiResolverProvider`, kubeconfig and token), client-java 24.0.0's shared")
        .append(" informer on the Service's EndpointSlices, and our `k8s+dns` source. A delay is")
        .append(" from just before the cluster call to the peer's listener seeing the new count of")
        .append(" ready endpoints; each change waits for every peer, then a random pause of up to")
        .append(" 1 s (so changes fall at random points of the DNS refresh cycle). ")
        .append(delay.get("changes"))
        .append(" changes measured after ")
        .append(delay.get("warmup"))
        .append(" not counted. The API server sends no bookmarks here: client-java 24 rejects an")
        .append(
            " EndpointSlice bookmark as the API server writes it (`\"endpoints\":null`) and its")
        .append(" reflector would relist at each one. Load average (1, 5,")
        .append(" 15 min) before: ")
        .append(api.get("loadBefore"))
        .append(", after: ")
        .append(api.get("loadAfter"))
        .append(" (2 cores).\n\n");
    Map<String, List<Number>> d = delays();
    List<Number> informer = d.get(INFORMER);
    md.append(
        "| peer | changes | median | p90 | p99 | max | median ÷ informer's | p99 ÷ informer's |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Map.Entry<String, List<Number>> e : d.entrySet()) {
      List<Number> s = e.getValue();
      md.append("| ").append(peerName(e.getKey())).append(" | ").append(s.size());
      for (double q : new double[] {0.5, 0.9, 0.99, 1.0}) {
        md.append(" | ").append(ms(quantile(s, q)));
      }
      md.append(" | ").append(ratioOf(s, informer, 0.5));
      md.append(" | ").append(ratioOf(s, informer, 0.99)).append(" |\n");
    }
    md.append('\n');
    renderLarge(md);
    renderRequests(md);
  }

  private static String ratioOf(List<Number> s, List<Number> base, double q) {
    if (base == null || base.isEmpty()) {
      return "-";
    }
    return ratio(quantile(s, q) / quantile(base, q));
  }

  private static String peerName(String key) {
    return switch (key) {
      case API -> "discovery k8s+api";
      case STICKY -> "discovery k8s+api, sticky balancer";
      case INFORMER -> "client-java shared informer";
      case "dns" -> "discovery k8s+dns (TTL 1 s)";
      default -> key;
    };
  }

  @SuppressWarnings("unchecked")
  private void renderLarge(StringBuilder md) {
    Map<String, Object> large = large();
    if (large.isEmpty()) {
      return;
    }
    md.append("## A Service of ")
        .append(large.get("pods"))
        .append(" endpoints in ")
        .append(large.get("slices"))
        .append(" EndpointSlices\n\n");
    Map<String, List<Number>> first = (Map<String, List<Number>>) large.get("firstSnapshotNanos");
    Map<String, Number> heap = (Map<String, Number>) large.get("retainedHeapBytes");
    Map<String, List<Number>> update =
        new LinkedHashMap<>((Map<String, List<Number>>) large.get("sliceUpdate"));
    List<Number> allocated = update.remove("allocatedBytes");
    md.append(
        "Time to the first complete state from a fresh start (our source: a new `Discovery`,"
            + " watch and sticky balancer; the informer: a new factory, list and watch), over "
            + first.values().iterator().next().size()
            + " starts per peer after one warm-up round, interleaved. Heap kept: used heap after"
            + " full collections before and after the peer started, both servers in the same JVM"
            + " on both sides. One slice's update: one pod's readiness toggled, with our source"
            + " (sticky balancer) and the informer both watching; delay to the listener (ours runs"
            + " after the balancer has swapped in its new sticky picker).\n\n");
    md.append(
        "| peer | first state: median (min to max) | heap kept | one slice's update: median | p99 |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    List<Number> informerFirst = first.get(INFORMER);
    List<Number> informerUpdate = update.get(INFORMER);
    for (String peer : first.keySet()) {
      List<Number> f = first.get(peer);
      List<Number> u = update.getOrDefault(peer, List.of());
      md.append("| ").append(peerName(peer)).append(" | ").append(ms(quantile(f, 0.5)));
      md.append(" (").append(ms(quantile(f, 0)).replace(" ms", "")).append(" to ");
      md.append(ms(quantile(f, 1))).append(")");
      if (!peer.equals(INFORMER) && informerFirst != null) {
        md.append(" · ").append(ratioOf(f, informerFirst, 0.5));
      }
      Number h = heap.get(peer);
      md.append(" | ").append(h == null ? "-" : megabytes(h.doubleValue()));
      if (!peer.equals(INFORMER) && heap.get(INFORMER) != null && h != null) {
        md.append(" · ").append(ratio(h.doubleValue() / heap.get(INFORMER).doubleValue()));
      }
      md.append(" | ").append(ms(quantile(u, 0.5)));
      if (!peer.equals(INFORMER) && informerUpdate != null) {
        md.append(" · ").append(ratioOf(u, informerUpdate, 0.5));
      }
      md.append(" | ").append(ms(quantile(u, 0.99))).append(" |\n");
    }
    md.append("\nRatios are ours ÷ the informer's. ");
    if (large.get("snapshotBytes") instanceof Number snap) {
      md.append("Our snapshot (`EndpointSet`, JOL): ").append(megabytes(snap.doubleValue()));
      md.append(". ");
    }
    if (allocated != null && !allocated.isEmpty()) {
      md.append("Bytes our source's threads (`discovery-*`, `HttpClient-*`) allocated per slice")
          .append(" update: median ")
          .append(megabytes(quantile(allocated, 0.5)))
          .append(" (decoding the slice, merging the 100 slices, comparing, building the sticky")
          .append(" picker).");
    }
    md.append("\n\n");
  }

  /** Per-Service request figures from the log; see {@link #renderRequests}. */
  @SuppressWarnings("unchecked")
  Map<String, Object> requestFigures() {
    Map<String, Object> r = (Map<String, Object>) api.get("requests");
    if (r == null) {
      return Map.of();
    }
    List<Map<String, Object>> log = (List<Map<String, Object>>) r.get("requests");
    int services = ((Number) r.get("services")).intValue();
    Map<String, List<Map<String, Object>>> streams = new TreeMap<>();
    for (Map<String, Object> q : log) {
      if ("watch".equals(q.get("verb"))) {
        streams
            .computeIfAbsent(q.get("service") + " " + q.get("resource"), k -> new ArrayList<>())
            .add(q);
      }
    }
    List<Double> lasted = new ArrayList<>();
    List<Double> asked = new ArrayList<>();
    List<Double> lastedOverAsked = new ArrayList<>();
    int renewals = 0;
    for (List<Map<String, Object>> s : streams.values()) {
      s.sort((a, b) -> Long.compare(longOf(a, "atMillis"), longOf(b, "atMillis")));
      for (int i = 0; i < s.size(); i++) {
        String t = String.valueOf(s.get(i).get("timeoutSeconds"));
        if (!t.isEmpty()) {
          asked.add(Double.parseDouble(t));
        }
        if (i + 1 < s.size()) {
          double took = (longOf(s.get(i + 1), "atMillis") - longOf(s.get(i), "atMillis")) / 1000.0;
          lasted.add(took);
          if (!t.isEmpty()) {
            lastedOverAsked.add(took / Double.parseDouble(t));
          }
          renewals++;
        }
      }
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("services", services);
    f.put("runSeconds", longOf(r, "runMillis") / 1000.0);
    f.put("requests", log.size());
    f.put("streamsPerService", streams.size() / (double) services);
    f.put("initialPerService", (log.size() - renewals) / (double) services);
    f.put("watchesCompleted", lasted.size());
    f.put("meanLastedSeconds", mean(lasted));
    f.put("meanAskedSeconds", mean(asked));
    f.put("lastedOverAsked", mean(lastedOverAsked));
    // A watch lasts what it asked (the ratio measured on those that ended within the run) times
    // the mean asked over every watch: unbiased even though the run is shorter than 600 s.
    double perStream = 3600 / (mean(asked) * mean(lastedOverAsked));
    f.put("perServicePerHour", perStream * streams.size() / services);
    f.put("formulaPerServicePerHour", 3600 / mean(asked) * streams.size() / services);
    return f;
  }

  private static long longOf(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).longValue();
  }

  private static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private void renderRequests(StringBuilder md) {
    Map<String, Object> f = requestFigures();
    if (f.isEmpty()) {
      return;
    }
    md.append("## API requests per watched Service\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%d Services, each watched by its own Discovery, for %.0f s; the fake server's"
                + " request log holds %d requests for them: %.1f per Service to start (lists or streaming"
                + " lists, and watches), over %.1f watch streams per Service (the Service and its"
                + " EndpointSlices). Each watch asks for `timeoutSeconds` drawn in 300..600 (mean"
                + " asked: %.0f s); %d watches ended and were renewed within the run (from one watch"
                + " request to the next in the same stream: %.0f s on average, ×%.3f what each"
                + " asked). In steady state that is **%.1f requests per watched Service per hour**"
                + " (streams x 3600 / (mean asked x lasted-over-asked); from the asked timeouts"
                + " alone: %.1f; the formula for a uniform draw in 300..600: 2 x 3600 / 450 = 16),"
                + " plus the start, plus one list per 410 or failure. Bookmarks arrive inside the"
                + " open watch and cost no request.\n\n",
            ((Number) f.get("services")).intValue(),
            (Double) f.get("runSeconds"),
            ((Number) f.get("requests")).intValue(),
            (Double) f.get("initialPerService"),
            (Double) f.get("streamsPerService"),
            (Double) f.get("meanAskedSeconds"),
            ((Number) f.get("watchesCompleted")).intValue(),
            (Double) f.get("meanLastedSeconds"),
            (Double) f.get("lastedOverAsked"),
            (Double) f.get("perServicePerHour"),
            (Double) f.get("formulaPerServicePerHour")));
  }
}
