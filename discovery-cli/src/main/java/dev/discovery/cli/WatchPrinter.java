package dev.discovery.cli;

import dev.discovery.api.DiscoveryStatus;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.WatchEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints watch events as they happen: time-stamped lines with the diff of each change, failures
 * with what is kept, recoveries with how long the source was failing; or one JSON object per line.
 */
final class WatchPrinter {
  static final String INDENT = "              ";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final PrintWriter out;
  private final boolean json;
  private final ZoneId zone;
  private Instant failingSince;

  WatchPrinter(PrintWriter out, boolean json, ZoneId zone) {
    this.out = out;
    this.json = json;
    this.zone = zone;
  }

  /** Prints {@code e}; returns the diff for a change ({@code null} for other events). */
  EndpointDiff print(EventStream.Timed e) {
    String time = TIME.format(e.at().atZone(zone));
    if (e.event() instanceof WatchEvent.Changed c) {
      EndpointDiff diff = EndpointDiff.between(c.previous(), c.current());
      String recovered = recoveredNote(e.at());
      if (json) {
        Map<String, Object> m = base(e, c.previous() == null ? "resolved" : "changed");
        m.putAll(summary(c.current()));
        m.put("recoveredAfterSeconds", recovered == null ? null : seconds(failingFor(e.at())));
        m.put("diff", Json.diff(diff));
        out.println(Json.line(m));
      } else {
        String head =
            c.previous() == null
                ? "resolved   " + describe(c.current())
                : "changed    revision " + c.current().revision() + ": " + diff.summary();
        out.println(time + "  " + head + (recovered == null ? "" : "; " + recovered));
        diff.lines().forEach(l -> out.println(INDENT + l));
      }
      failingSince = null;
      return diff;
    }
    if (e.event() instanceof WatchEvent.Failed f) {
      if (failingSince == null) {
        failingSince = e.at();
      }
      if (json) {
        Map<String, Object> m = base(e, "failed");
        m.put("error", Json.error(f.error()));
        m.put("kept", f.lastGood() == null ? null : f.lastGood().size());
        m.put("stalenessSeconds", seconds(f.staleness()));
        out.println(Json.line(m));
      } else {
        out.println(time + "  failed     " + f.error().kind() + ": " + f.error().message());
        out.println(
            INDENT
                + (f.lastGood() == null
                    ? "no endpoints yet; retrying"
                    : "keeping the last good list: "
                        + EndpointText.counts(f.lastGood())
                        + ", stale for "
                        + Durations.format(f.staleness())
                        + "; retrying with backoff"));
      }
      return null;
    }
    WatchEvent.Recovered r = (WatchEvent.Recovered) e.event();
    String recovered = recoveredNote(e.at());
    if (json) {
      Map<String, Object> m = base(e, "recovered");
      m.putAll(summary(r.current()));
      m.put("recoveredAfterSeconds", recovered == null ? null : seconds(failingFor(e.at())));
      out.println(Json.line(m));
    } else {
      out.println(
          time
              + "  recovered  "
              + (recovered == null ? "" : recovered + "; ")
              + "endpoints unchanged: "
              + EndpointText.counts(r.current()));
    }
    failingSince = null;
    return null;
  }

  /**
   * Prints each watch of {@code status}: {@code status web.shop source=dns kind=HEADLESS
   * endpoints=3 ready=3 ...}, or one JSON object per watch with {@code "event":"status"}.
   */
  void status(DiscoveryStatus status, Instant at) {
    String time = TIME.format(at.atZone(zone));
    for (DiscoveryStatus.Watch w : status.watches()) {
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", at.toString());
        m.put("event", "status");
        m.putAll(w.toMap());
        out.println(Json.line(m));
      } else {
        out.println(time + "  status     " + w);
      }
    }
  }

  private Map<String, Object> base(EventStream.Timed e, String event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.at().toString());
    m.put("event", event);
    m.put("target", e.event().target().toString());
    return m;
  }

  private static Map<String, Object> summary(EndpointSet set) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", set.revision());
    m.put("kind", set.kind().name());
    m.put("source", Json.source(set));
    m.put("endpoints", Json.endpoints(set.endpoints()));
    return m;
  }

  /** {@code HEADLESS from dns (API source not installed), 3 (3 ready), ttl 5 s}. */
  static String describe(EndpointSet set) {
    return set.kind()
        + " from "
        + set.source()
        + ", "
        + EndpointText.counts(set)
        + (set.ttl() == null ? "" : ", ttl " + Durations.format(set.ttl()));
  }

  private String recoveredNote(Instant now) {
    return failingSince == null
        ? null
        : "the source answers again after failing for " + Durations.format(failingFor(now));
  }

  private Duration failingFor(Instant now) {
    return Duration.between(failingSince, now);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
