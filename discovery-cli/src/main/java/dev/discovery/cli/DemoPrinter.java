package dev.discovery.cli;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.k8s.KubernetesAttributes;
import dev.discovery.spi.Backoff;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Service;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How {@code discovery demo} shows its story ({@link Demo}): headings, the cluster's table, what
 * the cluster, the DNS server and the watch did, the live list and the pick charts. The story
 * decides what happens and when; this class only lays it out.
 */
final class DemoPrinter {
  private final PrintWriter out;
  private final Demo.Settings settings;
  private int step;

  DemoPrinter(PrintWriter out, Demo.Settings settings) {
    this.out = out;
    this.settings = settings;
  }

  /** One Service of the cluster's table: what Kubernetes has and what the SDK saw. */
  record ServiceRow(Service service, long pods, String target, EndpointSet seen) {}

  void intro(FakeDnsServer dns, Duration ttl) {
    out.println(
        "discovery demo: a Kubernetes cluster in this process (the testkit's FakeCluster), a real"
            + " DNS server on loopback serving it");
    out.println(
        "(FakeDnsServer "
            + hostPort(dns)
            + ", UDP and TCP, TTL "
            + Durations.format(ttl)
            + "), and the SDK resolving it as a pod would. No Kubernetes needed.");
    out.println(
        String.format(
            Locale.ROOT,
            "Charts: %,d calls each; random seeded with %d; sticky over %,d keys.",
            settings.calls(),
            settings.seed(),
            settings.keys()));
  }

  void heading(String title) {
    step++;
    String h = "== " + step + "/" + Demo.STEPS + "  " + title + " ";
    out.println();
    out.println(h + "=".repeat(Math.max(3, 100 - h.length())));
  }

  /** Step 1's table of every Service, and what it shows. */
  void services(List<ServiceRow> rows) {
    Table t = Table.of("SERVICE", "TYPE", "PODS", "TARGET", "SDK SEES", "ENDPOINTS");
    for (ServiceRow r : rows) {
      Service s = r.service();
      EndpointSet set = r.seen();
      t.row(
          s.name(),
          s.type().kubernetesName() + (s.headless() ? " (headless)" : ""),
          r.pods() == 0 ? "-" : r.pods(),
          r.target(),
          set.kind(),
          set.endpoints().stream().map(Endpoint::hostPort).collect(Collectors.joining(" "))
              + (set.aliases().isEmpty() ? "" : "  via " + String.join(" -> ", set.aliases())));
    }
    t.lines("  ").forEach(out::println);
    out.println();
    prose(
        "web is headless: DNS lists a record per ready pod, so the client spreads the calls.",
        "api and front are one virtual IP each: kube-proxy spreads connections, the client cannot",
        "(the SDK logs a warning when it watches one). DNS cannot tell a NodePort Service from a",
        "ClusterIP one; node ports serve clients outside the cluster. db is an ExternalName: the",
        "SDK follows its CNAME to the outside name's addresses.");
  }

  private void prose(String... lines) {
    for (String l : lines) {
      out.println("  " + l);
    }
  }

  void watching(String target) {
    out.println("watch:   discovery.watch(\"" + target + "\")");
  }

  void firstAnswer(EndpointSet first, Duration took) {
    out.println(
        "watch:   revision "
            + first.revision()
            + " "
            + Durations.format(took)
            + " later: "
            + WatchPrinter.describe(first));
  }

  /** What the cluster did: the first line after {@code cluster:}, the next ones under it. */
  void cluster(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      out.println((i == 0 ? "cluster: " : "         ") + lines.get(i));
    }
  }

  /** A pod's entry in its Service's EndpointSlices, with its conditions. */
  static String sliceEntry(Optional<EndpointSlice.Endpoint> entry) {
    return entry
        .map(
            e ->
                "its EndpointSlice entry: ready="
                    + e.ready()
                    + " serving="
                    + e.serving()
                    + " terminating="
                    + e.terminating())
        .orElse("no EndpointSlice entry");
  }

  /** The watch's new revision, how long it took ({@code why} that long) and what changed. */
  void changed(EndpointSet before, EndpointSet now, Duration took, String why) {
    changed("watch", before, now, took, why);
  }

  /** As {@link #changed(EndpointSet, EndpointSet, Duration, String)}, for the watch {@code who}. */
  void changed(String who, EndpointSet before, EndpointSet now, Duration took, String why) {
    EndpointDiff diff = EndpointDiff.between(before, now);
    out.println(
        label(who)
            + "revision "
            + now.revision()
            + " "
            + Durations.format(took)
            + " later, "
            + why
            + ": "
            + diff.summary());
    diff.lines().forEach(l -> out.println("           " + l));
  }

  /** {@code api:} padded as {@code watch:} is, so the lines after it align. */
  private static String label(String who) {
    return String.format(Locale.ROOT, "%-9s", who + ":");
  }

  void apiServer(FakeApiServer api) {
    out.println(
        "api:     FakeApiServer "
            + api.url()
            + " serves the same cluster over the Kubernetes API (TLS with its own CA, a bearer"
            + " token)");
  }

  /** Both watches of the act and their first lists. */
  void watchedBoth(String apiTarget, EndpointSet api, String dnsTarget, EndpointSet dns) {
    out.println("api:     discovery.watch(\"" + apiTarget + "\"): " + WatchPrinter.describe(api));
    out.println("dns:     discovery.watch(\"" + dnsTarget + "\"): " + WatchPrinter.describe(dns));
  }

  /** How long each source took to show the same change, side by side. */
  void delays(Duration api, Duration dns) {
    out.println();
    Table t = Table.of("SOURCE", "SAW THE SCALE-UP AFTER", "BECAUSE");
    t.row("api", Durations.format(api), "a watch: the API server pushes each EndpointSlice change");
    t.row("dns", Durations.format(dns), "a cache: the client asks again when the TTL runs out");
    t.lines("  ").forEach(out::println);
    out.println();
    prose(
        "The API source reads what kube-proxy reads: the Service and its EndpointSlices, listed",
        "once, then watched. DNS learns of a change at the next query after the TTL (here 1 s;",
        "CoreDNS's default is 5 s, kubeadm's Corefile 30 s).");
  }

  /** The cluster's nodes and the NodePort Service's ports. */
  void nodes(List<Node> nodes, Service service) {
    cluster(
        List.of(
            "nodes "
                + nodes.stream()
                    .map(
                        n ->
                            n.name()
                                + " "
                                + n.addresses().stream()
                                    .map(a -> a.getHostAddress())
                                    .collect(Collectors.joining(","))
                                + (n.ready() ? "" : " (NotReady)"))
                    .collect(Collectors.joining(", ")),
            service.name()
                + " is a NodePort Service: "
                + service.ports().stream()
                    .map(p -> "port " + p.name() + " " + p.port() + ", nodePort " + p.nodePort())
                    .collect(Collectors.joining("; "))));
  }

  /** One Service through the API source in two access modes. */
  void accessModes(String podsTarget, EndpointSet pods, String nodesTarget, EndpointSet nodes) {
    Table t = Table.of("TARGET", "SDK SEES", "ENDPOINTS");
    t.row(podsTarget, pods.kind(), endpoints(pods));
    t.row(nodesTarget, nodes.kind(), endpoints(nodes));
    t.lines("  ").forEach(out::println);
    out.println();
    prose(
        "In the cluster, the pods are reached directly (access pods, the default). From outside,",
        "?access=nodePort (or --access nodePort) gives each ready node's address with the node",
        "port: node-3 is NotReady and left out. Through DNS, front was one ClusterIP (step 1).");
  }

  private static String endpoints(EndpointSet set) {
    return set.endpoints().stream()
        .map(e -> e.hostPort() + owner(e).map(o -> " (" + o + ")").orElse(""))
        .collect(Collectors.joining(" "));
  }

  /** Where an endpoint of the API source leads: its node (nodePort), else its pod. */
  private static Optional<String> owner(Endpoint e) {
    return Optional.ofNullable(e.node())
        .map(n -> "node " + n)
        .or(
            () ->
                Optional.ofNullable(e.attributes().get(KubernetesAttributes.POD))
                    .map(p -> "pod " + p));
  }

  void dnsStopped(FakeDnsServer dns) {
    out.println("dns:     stopped; nothing answers on " + hostPort(dns) + " any more");
  }

  void failed(ResolutionError error, Duration took) {
    out.println("watch:   failed " + Durations.format(took) + " later, at its next refresh:");
    out.println("         " + error.kind() + ": " + error.message());
  }

  void retries(List<Duration> waits, Backoff backoff) {
    out.println(
        "retries: the resolver waited "
            + waits.stream().map(Durations::format).collect(Collectors.joining(", "))
            + " after failures 1 to "
            + waits.size()
            + " (backoff: "
            + Durations.format(backoff.initial())
            + " doubling, +/-"
            + Math.round(backoff.randomization() * 100)
            + " %, at most "
            + Durations.format(backoff.max())
            + ")");
  }

  void kept(EndpointSet kept, Duration staleness) {
    out.println(
        "watch:   keeps the last good list (revision "
            + kept.revision()
            + "), stale for "
            + Durations.format(staleness)
            + " and counting; the balancers keep picking from it");
  }

  void dnsRestarted(FakeDnsServer dns) {
    out.println("dns:     answering again on " + hostPort(dns));
  }

  void errorCleared(Duration staleness) {
    out.println(
        "watch:   error cleared; staleness "
            + Durations.format(staleness)
            + "; what changed during the outage arrives in one update");
  }

  /**
   * The live list and both charts; for sticky, the keys moved since the list shown before (none on
   * the first).
   */
  void live(
      EndpointSet set,
      PickStats.Distribution random,
      PickStats.Distribution sticky,
      Optional<PickStats.Moves> moved) {
    out.println("live list: " + EndpointText.counts(set));
    set.endpoints().forEach(e -> out.println("  " + EndpointText.line(e)));
    out.println(String.format(Locale.ROOT, "random, %,d calls:", settings.calls()));
    PickStats.chart(set, random, settings.width(), settings.glyph(), "  ").forEach(out::println);
    out.println(
        String.format(
            Locale.ROOT, "sticky, %,d calls over %,d keys:", settings.calls(), settings.keys()));
    PickStats.chart(set, sticky, settings.width(), settings.glyph(), "  ").forEach(out::println);
    moved.ifPresent(m -> out.println("  " + m.describe()));
  }

  void done(Duration took, int changes, int failures) {
    out.println();
    out.println(
        "== done in "
            + Durations.format(took)
            + ": the watch saw "
            + changes
            + " changes and "
            + failures
            + " outage, and never lost its endpoint list ==");
    out.println(
        "Next: discovery resolve|watch|pick <service>.<namespace>:<port> against a cluster's DNS"
            + " (--dns-server IP:PORT) or its API (k8s+api:///..., --kubeconfig FILE);"
            + " discovery --help.");
    out.flush();
  }

  void flush() {
    out.flush();
  }

  private static String hostPort(FakeDnsServer dns) {
    return dns.address().getAddress().getHostAddress() + ":" + dns.port();
  }
}
