package dev.discovery.cli;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.spi.IpAddresses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/** Endpoints and snapshots as text for a terminal. */
final class EndpointText {
  private EndpointText() {}

  /** {@code ready}, {@code not-ready}, {@code terminating} or {@code terminating (serving)}. */
  static String conditions(Endpoint e) {
    if (e.ready()) {
      return "ready";
    }
    if (e.terminating()) {
      return e.serving() ? "terminating (serving)" : "terminating";
    }
    return "not-ready";
  }

  /** {@code 127.0.1.1:50051 web-0 zone-a ready}: what identifies an endpoint and its state. */
  static String line(Endpoint e) {
    StringBuilder b = new StringBuilder(e.hostPort());
    if (e.hostname() != null) {
      b.append("  ").append(e.hostname());
    }
    if (e.zone() != null) {
      b.append("  zone=").append(e.zone());
    }
    return b.append("  ").append(conditions(e)).toString();
  }

  /** The endpoints as a table: address, port, hostname, zone, node, ready, serving, terminating. */
  static Table table(List<Endpoint> endpoints) {
    Table t = Table.of("ADDRESS", "PORT", "HOSTNAME", "ZONE", "NODE", "READY", "SERVING", "TERM");
    for (Endpoint e : endpoints) {
      t.row(
          IpAddresses.format(e.ip()),
          e.port(),
          e.hostname(),
          e.zone(),
          e.node(),
          yesNo(e.ready()),
          yesNo(e.serving()),
          yesNo(e.terminating()));
    }
    return t;
  }

  /** The header lines of a snapshot: kind, source and reason, revision, time, TTL, staleness. */
  static List<String> header(String target, EndpointSet set, Duration staleness) {
    List<String> out = new ArrayList<>();
    out.add("target     " + target);
    out.add("kind       " + set.kind());
    out.add(
        "source     "
            + set.source().name()
            + (set.source().reason().isEmpty() ? "" : " (" + set.source().reason() + ")"));
    if (!set.aliases().isEmpty()) {
      out.add("aliases    " + String.join(" -> ", set.aliases()));
    }
    out.add(
        "resolved   "
            + set.resolvedAt()
            + "  revision "
            + set.revision()
            + "  ttl "
            + (set.ttl() == null ? "none" : Durations.format(set.ttl()))
            + "  staleness "
            + Durations.format(staleness));
    out.add("endpoints  " + counts(set));
    return out;
  }

  /** {@code 3 endpoints, 3 ready} or {@code 4 endpoints, 3 ready, 1 terminating}. */
  static String counts(EndpointSet set) {
    long terminating = set.endpoints().stream().filter(Endpoint::terminating).count();
    return set.size()
        + (set.size() == 1 ? " endpoint, " : " endpoints, ")
        + set.readyCount()
        + " ready"
        + (terminating > 0 ? ", " + terminating + " terminating" : "");
  }

  /** A short name for an endpoint: its hostname, else its address and port. */
  static String name(Endpoint e) {
    return e.hostname() != null ? e.hostname() : e.hostPort();
  }

  /** What differs between two endpoints of one identity: {@code ready -> terminating}. */
  static String change(Endpoint before, Endpoint after) {
    List<String> parts = new ArrayList<>();
    if (!conditions(before).equals(conditions(after))) {
      parts.add(conditions(before) + " -> " + conditions(after));
    }
    field(parts, "hostname", before.hostname(), after.hostname());
    field(parts, "zone", before.zone(), after.zone());
    field(parts, "node", before.node(), after.node());
    SortedSet<String> keys = new TreeSet<>(before.attributes().keySet());
    keys.addAll(after.attributes().keySet());
    for (String k : keys) {
      field(parts, k, before.attributes().get(k), after.attributes().get(k));
    }
    return String.join("; ", parts);
  }

  private static void field(List<String> parts, String name, String before, String after) {
    if (!Objects.equals(before, after)) {
      parts.add(name + " " + dash(before) + " -> " + dash(after));
    }
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }
}
