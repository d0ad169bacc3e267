package dev.discovery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Discovery} is doing now ({@link Discovery#status()}): every active watch, its
 * source, endpoint counts, staleness and last error. A value: render it on a health endpoint with
 * {@link #toString()} (one line per watch) or {@link #toMap()} (maps, lists, strings and numbers,
 * for a JSON writer).
 *
 * @param at when the status was taken
 * @param watches one per watched target, in target order
 * @since 0.2
 */
public record DiscoveryStatus(Instant at, List<Watch> watches) {
  public DiscoveryStatus {
    Objects.requireNonNull(at, "at");
    watches = List.copyOf(watches);
  }

  /**
   * Endpoint counts of a watch's current snapshot.
   *
   * @param total all endpoints
   * @param ready ready ones (the ones picked)
   * @param serving serving ones (ready, or terminating and still serving)
   * @param terminating terminating ones
   * @param ejected endpoints of the snapshot that a balancer's policy took out of rotation now
   */
  public record Counts(int total, int ready, int serving, int terminating, int ejected) {
    /** No endpoints. */
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

    /** The counts of {@code set}, with {@code ejected}. */
    public static Counts of(EndpointSet set, int ejected) {
      int ready = 0;
      int serving = 0;
      int terminating = 0;
      for (Endpoint e : set.endpoints()) {
        ready += e.ready() ? 1 : 0;
        serving += e.serving() ? 1 : 0;
        terminating += e.terminating() ? 1 : 0;
      }
      return new Counts(set.size(), ready, serving, terminating, ejected);
    }
  }

  /**
   * One watched target.
   *
   * @param target the target as written
   * @param source the source of the current snapshot and why that one; {@code null} before the
   *     first snapshot
   * @param kind the kind of Service; {@code null} before the first snapshot
   * @param counts endpoint counts of the current snapshot
   * @param staleness how long since the last successful resolution
   * @param lastError the error of the last resolution if it failed, else {@code null}
   * @param revision the current snapshot's revision (0 before the first)
   * @param watches open {@link ServiceWatch}es of the target
   * @param balancers open balancers over it
   * @param subscribers listeners subscribed to it, balancers not counted
   * @param picks picks per endpoint ({@code ip:port}) since the endpoint appeared, when the
   *     discovery counts picks ({@link Discovery.Builder#countPicks(boolean)}); at most {@link
   *     Discovery#MAX_COUNTED_ENDPOINTS} entries, in canonical endpoint order; empty otherwise
   * @param otherPicks picks of endpoints beyond that bound
   */
  public record Watch(
      String target,
      Source source,
      ServiceKind kind,
      Counts counts,
      Duration staleness,
      ResolutionError lastError,
      long revision,
      int watches,
      int balancers,
      int subscribers,
      Map<String, Long> picks,
      long otherPicks) {
    public Watch {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(counts, "counts");
      Objects.requireNonNull(staleness, "staleness");
      picks = Collections.unmodifiableMap(new LinkedHashMap<>(picks));
    }

    /** Whether the last resolution failed. */
    public boolean failing() {
      return lastError != null;
    }

    /**
     * One line: {@code web.shop source=api kind=HEADLESS endpoints=3 ready=2 serving=3
     * terminating=1 ejected=0 stale=1.25s revision=4 watches=1 balancers=1 subscribers=0}, then
     * {@code error=...} when failing and {@code picks={...}} when counted.
     */
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(target);
      b.append(" source=").append(source == null ? "-" : source.name());
      b.append(" kind=").append(kind == null ? "-" : kind);
      b.append(" endpoints=").append(counts.total());
      b.append(" ready=").append(counts.ready());
      b.append(" serving=").append(counts.serving());
      b.append(" terminating=").append(counts.terminating());
      b.append(" ejected=").append(counts.ejected());
      b.append(" stale=").append(staleness.toMillis() / 1000.0).append('s');
      b.append(" revision=").append(revision);
      b.append(" watches=").append(watches);
      b.append(" balancers=").append(balancers);
      b.append(" subscribers=").append(subscribers);
      if (lastError != null) {
        b.append(" error=").append(lastError);
      }
      if (!picks.isEmpty() || otherPicks > 0) {
        b.append(" picks=").append(picks);
        if (otherPicks > 0) {
          b.append(" otherPicks=").append(otherPicks);
        }
      }
      return b.toString();
    }

    /** This watch as maps, lists, strings and numbers (keys as in {@link #toString()}). */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", target);
      m.put("source", source == null ? null : source.name());
      m.put("sourceReason", source == null ? null : source.reason());
      m.put("kind", kind == null ? null : kind.name());
      m.put("endpoints", counts.total());
      m.put("ready", counts.ready());
      m.put("serving", counts.serving());
      m.put("terminating", counts.terminating());
      m.put("ejected", counts.ejected());
      m.put("stalenessSeconds", staleness.toMillis() / 1000.0);
      m.put("revision", revision);
      m.put("watches", watches);
      m.put("balancers", balancers);
      m.put("subscribers", subscribers);
      m.put("error", lastError == null ? null : lastError.toString());
      if (!picks.isEmpty() || otherPicks > 0) {
        m.put("picks", picks);
        m.put("otherPicks", otherPicks);
      }
      return m;
    }
  }

  /** The watch of {@code target}, if it is watched. */
  public Optional<Watch> watch(String target) {
    return watches.stream().filter(w -> w.target().equals(target)).findFirst();
  }

  /** {@code {"at": ..., "watches": [...]}} as maps, lists, strings and numbers. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", at.toString());
    m.put("watches", watches.stream().map(Watch::toMap).toList());
    return m;
  }

  /** One line per watch, or {@code no watches}. */
  @Override
  public String toString() {
    if (watches.isEmpty()) {
      return "no watches";
    }
    StringBuilder b = new StringBuilder();
    for (Watch w : watches) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(w);
    }
    return b.toString();
  }
}
