package dev.discovery.bench.fleet;

import dev.discovery.bench.fleet.FleetSimulation.ApiRun;
import dev.discovery.bench.fleet.FleetSimulation.Curve;
import dev.discovery.bench.fleet.FleetSimulation.Drop;
import dev.discovery.bench.fleet.FleetSimulation.Fleet;
import dev.discovery.bench.fleet.FleetSimulation.Outage;
import dev.discovery.spi.Backoff;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Runs the fleet simulation ({@link FleetSimulation}) and writes {@code fleet-summary.md} and
 * {@code fleet-reconnects.png}: 10,000 pods watching 50 Services each, the API server restarting at
 * t = 0, with the SDK's jitter beside none; and the same fleet on the cluster DNS at TTL 5 s and 30
 * s. Started by {@code discovery-bench/run-bench fleet}.
 *
 * <pre>
 * FleetReport RESULTS_DIR [--seed N]
 * </pre>
 */
public final class FleetReport {
  static final Fleet FLEET = new Fleet(10_000, 50, 2);

  /**
   * The API server's default {@code --max-requests-inflight} (non-mutating requests in flight at
   * once), reference/kubernetes-discovery-facts.md section 7.
   */
  static final int MAX_IN_FLIGHT = 400;

  /**
   * How long an establishing watch is assumed to hold an in-flight seat (its list or initial
   * events).
   */
  static final List<Duration> SEAT_TIMES = List.of(Duration.ofMillis(100), Duration.ofSeconds(1));

  static final Duration HORIZON = Duration.ofSeconds(60);
  static final Duration BUCKET = Duration.ofMillis(100);
  static final Duration SECOND = Duration.ofSeconds(1);
  static final int TABLE_SECONDS = 30;
  static final List<Outage> OUTAGES =
      List.of(
          new Outage(Drop.RESET, Duration.ZERO),
          new Outage(Drop.RESET, Duration.ofSeconds(10)),
          new Outage(Drop.CLEAN_END, Duration.ZERO),
          new Outage(Drop.CLEAN_END, Duration.ofSeconds(10)));

  /** Questions per resolution: A and AAAA of the name that answers (NameWalk), by port number. */
  static final int QUERIES_PER_RESOLUTION = 2;

  static final List<Duration> TTLS = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30));
  static final Duration DNS_HORIZON = Duration.ofMinutes(10);

  private FleetReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: FleetReport RESULTS_DIR [--seed N]");
      System.exit(2);
    }
    Path results = Path.of(args[0]);
    long seed = 1;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--seed") && i + 1 < args.length) {
        seed = Long.parseLong(args[++i]);
      } else {
        throw new IllegalArgumentException("argument: \"" + args[i] + "\" (expected: --seed N)");
      }
    }
    long started = System.nanoTime();
    write(results, FLEET, seed);
    System.out.printf(
        Locale.ROOT,
        "fleet: wrote %s and %s in %.1f s%n",
        results.resolve("fleet-summary.md"),
        results.resolve("fleet-reconnects.png"),
        (System.nanoTime() - started) / 1e9);
  }

  /** Simulates {@code fleet} and writes both files into {@code results}. */
  static void write(Path results, Fleet fleet, long seed) throws IOException {
    Backoff jittered = FleetSimulation.watchBackoff();
    Backoff plain = FleetSimulation.withoutJitter(jittered);
    List<Row> api = new ArrayList<>();
    for (Outage outage : OUTAGES) {
      api.add(
          new Row(
              outage, true, FleetSimulation.apiRestart(fleet, outage, jittered, seed, HORIZON)));
      api.add(
          new Row(outage, false, FleetSimulation.apiRestart(fleet, outage, plain, seed, HORIZON)));
    }
    List<DnsRow> dns = new ArrayList<>();
    for (Duration ttl : TTLS) {
      for (boolean jitter : List.of(true, false)) {
        dns.add(
            new DnsRow(
                ttl,
                jitter,
                FleetSimulation.dnsQueries(
                    fleet, ttl, jitter, QUERIES_PER_RESOLUTION, seed, DNS_HORIZON)));
      }
    }
    Files.createDirectories(results);
    Files.writeString(
        results.resolve("fleet-summary.md"), summary(fleet, seed, jittered, api, dns));
    plot(results.resolve("fleet-reconnects.png"), fleet, api.subList(0, 4));
  }

  record Row(Outage outage, boolean jitter, ApiRun run) {
    String label() {
      return outage.describe() + (jitter ? ", jitter" : ", no jitter");
    }

    String shortLabel() {
      return (outage.drop() == Drop.RESET ? "reset" : "clean end")
          + ", down "
          + outage.downtime().toSeconds()
          + " s, "
          + (jitter ? "jitter" : "no jitter");
    }
  }

  record DnsRow(Duration ttl, boolean jitter, Curve queries) {}

  // ---- the summary ----

  static String summary(Fleet fleet, long seed, Backoff backoff, List<Row> api, List<DnsRow> dns) {
    StringBuilder md = new StringBuilder();
    md.append("# discovery-bench: a fleet, simulated\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- Command: `discovery-bench/run-bench fleet` (seed %d): a discrete-event simulation"
                + " (`dev.discovery.bench.fleet.FleetSimulation`), no server involved.\n"
                + "- Fleet: %,d client pods, one `Discovery` each, each watching %d Services:"
                + " %,d DNS resolvers, or %,d API watch streams (%d per Service: its Service object"
                + " and its EndpointSlices, as `ServiceWatcher` opens them; Services are never"
                + " shared across pods).\n"
                + "- API reconnects: drawn by the SDK's own `Backoff.delayAfter` with the watch's"
                + " backoff (`ResourceWatch.Options.defaults()`: %s initial, x%.0f, +/-%.0f %%, at"
                + " most %s) and one seeded random source per pod; \"no jitter\" is the same"
                + " backoff with randomization 0. A reset stream is a failure (first wait: the"
                + " backoff's first); a stream that ends cleanly (a graceful shutdown) is resumed"
                + " at once, as `ResourceWatch` does for a watch that delivered something. While"
                + " the server is down every attempt is refused and waits longer.\n"
                + "- DNS refreshes: drawn by `DnsResolver.refreshDelay` (TTL x U[0.8, 1.0],"
                + " clamped to [1 s, 30 s]); every pod starts at t = 0 (a common start: the worst"
                + " case; pods that start at different times are spread already); %d questions"
                + " per resolution (A and AAAA of the name that answers, a target by port number;"
                + " a port name adds SRV).\n\n",
            seed,
            fleet.pods(),
            fleet.services(),
            fleet.resolvers(),
            fleet.streams(),
            fleet.streamsPerService(),
            seconds(backoff.initial()),
            backoff.multiplier(),
            backoff.randomization() * 100,
            seconds(backoff.max()),
            QUERIES_PER_RESOLUTION));

    md.append("## The API server restarts at t = 0\n\n");
    md.append(
        "Every watch stream ends at t = 0. A reconnect is a watch request the server accepts"
            + " (resumed from the last resourceVersion; if the restarted server no longer has it,"
            + " its 410 adds one list or streaming list at once: twice the requests on the same"
            + " curve). The budget: an API server admits "
            + MAX_IN_FLIGHT
            + " non-mutating requests in flight by default (`--max-requests-inflight`,"
            + " reference/kubernetes-discovery-facts.md section 7); a watch counts as in flight"
            + " only while it is established (its list or initial events), assumed to take "
            + SEAT_TIMES.get(0).toMillis()
            + " ms or "
            + SEAT_TIMES.get(1).toSeconds()
            + " s. So the peak in flight is the most reconnects within any window of that time.\n\n");
    md.append(
        "| outage | jitter | peak reconnects/s (100 ms buckets) | peak per 1 s bucket | 50 % / 99 %"
            + " / all back by | requests (refused included) | peak in flight, 100 ms seats |"
            + " peak in flight, 1 s seats | × the 400 budget (1 s seats) |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : api) {
      Curve c = r.run().reconnects();
      long seat100 = c.peakWithin(SEAT_TIMES.get(0));
      long seat1000 = c.peakWithin(SEAT_TIMES.get(1));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %,.0f | %s / %s / %s | %,d | %,d | %,d | ×%,.0f |\n",
              r.outage().describe(),
              r.jitter() ? "yes (±50 %)" : "no",
              c.peakPerSecond(BUCKET),
              c.peakPerSecond(SECOND),
              time(c.timeToFraction(0.5)),
              time(c.timeToFraction(0.99)),
              time(c.timeToFraction(1.0)),
              r.run().attempts().total(),
              seat100,
              seat1000,
              seat1000 / (double) MAX_IN_FLIGHT));
    }
    md.append("\nReconnects per second, 1 s buckets (`[t, t+1)`), the first ")
        .append(TABLE_SECONDS)
        .append(" s:\n\n| t (s) |");
    for (Row r : api) {
      md.append(' ').append(r.shortLabel()).append(" |");
    }
    md.append("\n| --- |");
    md.append(" --- |".repeat(api.size()));
    md.append('\n');
    List<long[]> perSecond = api.stream().map(r -> r.run().reconnects().buckets(SECOND)).toList();
    for (int t = 0; t < TABLE_SECONDS; t++) {
      md.append("| ").append(t).append(" |");
      for (long[] b : perSecond) {
        md.append(String.format(Locale.ROOT, " %,d |", b[t]));
      }
      md.append('\n');
    }
    md.append(
        "\nWhat it says: a fleet of "
            + String.format(Locale.ROOT, "%,d", fleet.streams())
            + " streams reconnects within the first seconds whatever the jitter; the jitter"
            + " (±50 %) spreads each retry round over a second or more instead of one"
            + " millisecond, which lowers the peak rate by one to two orders of magnitude, but"
            + " the peak stays far above one API server's 400 seats: such a fleet needs the"
            + " server's own flow control (429 with Retry-After, which the watch honours) and"
            + " several API servers. A clean end (a graceful shutdown) is resumed with no wait"
            + " at all, so jitter does nothing for it when the server is back at once; jitter"
            + " starts to act only from the first refused attempt.\n\n");

    md.append("## The same fleet on the cluster DNS\n\n");
    md.append(
        "Each pod resolves each of its Services at t = 0 and refreshes at its TTL. Steady state:"
            + " resolvers x questions / mean interval; with the SDK's jitter the mean interval is"
            + " 0.9 TTL, so the rate is 1/0.9 = 1.11 x the sum of 1/TTL (refreshes come before"
            + " expiry, never after).\n\n");
    md.append(
        "| TTL | jitter | questions/s expected (steady) | mean/s over minutes 5 to 10 | peak/s,"
            + " 1 s buckets, t = 1 s to 1 min | peak/s, 1 s buckets, minute 10 | peak ÷ steady,"
            + " minute 10 |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (DnsRow r : dns) {
      double interval = r.ttl().toMillis() / 1000.0 * (r.jitter() ? 0.9 : 1.0);
      double expected = fleet.resolvers() * (double) QUERIES_PER_RESOLUTION / interval;
      Curve c = r.queries();
      double late = c.peakPerSecond(SECOND, DNS_HORIZON.minusMinutes(1), DNS_HORIZON);
      md.append(
          String.format(
              Locale.ROOT,
              "| %d s | %s | %,.0f | %,.0f | %,.0f | %,.0f | ×%.1f |\n",
              r.ttl().toSeconds(),
              r.jitter() ? "yes (TTL x U[0.8, 1.0])" : "no (the TTL)",
              expected,
              c.meanPerSecond(DNS_HORIZON.minusMinutes(5), DNS_HORIZON),
              c.peakPerSecond(SECOND, SECOND, Duration.ofMinutes(1)),
              late,
              late / expected));
    }
    md.append("\nQuestions per second at TTL 5 s, 1 s buckets, the first ")
        .append(TABLE_SECONDS)
        .append(" s:\n\n| t (s) | jitter | no jitter |\n| --- | --- | --- |\n");
    long[] with = dns.get(0).queries().buckets(SECOND);
    long[] without = dns.get(1).queries().buckets(SECOND);
    for (int t = 0; t < TABLE_SECONDS; t++) {
      md.append(String.format(Locale.ROOT, "| %d | %,d | %,d |\n", t, with[t], without[t]));
    }
    md.append(
        "\nWhat it says: without jitter a common start stays synchronised for ever: every"
            + " question of the fleet falls in the same millisecond once per TTL, and the DNS"
            + " servers see the whole fleet at once and nothing between. With the SDK's jitter"
            + " the first refresh is spread over the last 20 % of the TTL and each later one"
            + " spreads further, so the rate settles towards its steady value within a few"
            + " TTLs.\n");
    return md.toString();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String time(Duration d) {
    return d == null ? "later" : String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
  }

  // ---- the plot ----

  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)
  };

  /** Reconnects per second (100 ms buckets) against time, log scale, with the 400 line. */
  static void plot(Path file, Fleet fleet, List<Row> rows) throws IOException {
    int width = 1200;
    int height = 700;
    int left = 90;
    int right = 30;
    int top = 60;
    int bottom = 70;
    double seconds = TABLE_SECONDS;
    double minLog = 1; // 10/s
    double maxLog = 8; // 100,000,000/s
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int plotW = width - left - right;
      int plotH = height - top - bottom;
      java.util.function.DoubleUnaryOperator x = t -> left + t / seconds * plotW;
      java.util.function.DoubleUnaryOperator y =
          v -> top + plotH - (Math.log10(Math.max(v, 1)) - minLog) / (maxLog - minLog) * plotH;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      // grid and axes
      for (int e = (int) minLog; e <= maxLog; e++) {
        int yy = (int) y.applyAsDouble(Math.pow(10, e));
        g.setColor(new Color(0xdddddd));
        g.drawLine(left, yy, left + plotW, yy);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%,.0f", Math.pow(10, e)), 8, yy + 4);
      }
      for (int t = 0; t <= seconds; t += 5) {
        int xx = (int) x.applyAsDouble(t);
        g.setColor(new Color(0xdddddd));
        g.drawLine(xx, top, xx, top + plotH);
        g.setColor(Color.DARK_GRAY);
        g.drawString(t + " s", xx - 8, top + plotH + 18);
      }
      g.setColor(Color.BLACK);
      g.drawRect(left, top, plotW, plotH);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(
          String.format(
              Locale.ROOT,
              "API server restart at t = 0: %,d pods x %d Services x %d watch streams ="
                  + " %,d streams reconnecting",
              fleet.pods(),
              fleet.services(),
              fleet.streamsPerService(),
              fleet.streams()),
          left,
          30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString("time after the restart (s)", left + plotW / 2 - 70, height - 25);
      g.drawString("reconnects per second (100 ms buckets, log scale)", left, top - 10);
      // the budget
      int budget = (int) y.applyAsDouble(MAX_IN_FLIGHT);
      g.setColor(Color.BLACK);
      g.setStroke(
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
      g.drawLine(left, budget, left + plotW, budget);
      g.drawString(
          "400: the API server's default max in-flight non-mutating requests",
          left + plotW - 430,
          budget - 6);
      // the curves, clipped to the plot; then the legend
      g.setClip(left, top, plotW, plotH);
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        long[] b = r.run().reconnects().buckets(BUCKET);
        double perSecond = 1000.0 / BUCKET.toMillis();
        Path2D path = new Path2D.Double();
        double step = BUCKET.toMillis() / 1000.0;
        path.moveTo(x.applyAsDouble(0), y.applyAsDouble(b[0] * perSecond));
        for (int k = 0; k < b.length && k * step < seconds; k++) {
          double v = y.applyAsDouble(b[k] * perSecond);
          path.lineTo(x.applyAsDouble(k * step), v);
          path.lineTo(x.applyAsDouble(Math.min(seconds, (k + 1) * step)), v);
        }
        g.setColor(COLORS[i % COLORS.length]);
        g.setStroke(
            r.jitter()
                ? new BasicStroke(2f)
                : new BasicStroke(
                    1.5f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    10f,
                    new float[] {4f, 3f},
                    0f));
        g.draw(path);
      }
      g.setClip(null);
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        int ly = top + 20 + i * 18;
        g.setColor(COLORS[i % COLORS.length]);
        g.setStroke(new BasicStroke(r.jitter() ? 2f : 1.5f));
        g.drawLine(left + plotW - 380, ly - 4, left + plotW - 350, ly - 4);
        g.setColor(Color.BLACK);
        g.drawString(r.label(), left + plotW - 342, ly);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }
}
