package dev.discovery.api.internal;

import dev.discovery.api.DiscoveryEvent;
import dev.discovery.api.Endpoint;
import dev.discovery.api.OutlierEjection;
import dev.discovery.api.Policy;
import dev.discovery.api.SlowStart;
import dev.discovery.api.ZoneAware;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base policy with traffic-aware layers, always applied in one order whatever the order they were
 * asked for: zone filter, then outlier ejection, then slow-start weights, then the base policy's
 * choice. Each layer is optional; at least one is on.
 *
 * <p>The base policy picks among indices into the candidates (as {@link AffinityPolicy} does), over
 * the in-zone candidates less the ejected ones; a keyed base gets the ejected ones too, so that a
 * key's endpoint stays where it is, and its picker skips them along the key's fallback sequence
 * ({@link Picker#pick(CharSequence, int)}): the keys of an ejected endpoint move and come back when
 * it returns, and no other key moves. Slow start rejects a base choice of a warming endpoint with
 * probability 1 - weight (for a key: deterministically, by a hash of the key, so a key moves to a
 * warming endpoint once and stays), retrying at most {@value #MAX_TRIES} times: allocation-free,
 * with the weight read from the ticker at pick time.
 */
public final class TrafficPolicy implements Policy {
  private static final Logger log = LoggerFactory.getLogger(TrafficPolicy.class);

  /** Bound on the base choices a pick looks at before it takes any endpoint in rotation. */
  static final int MAX_TRIES = 16;

  /** Endpoint attributes of EndpointSlice hints (discovery-k8s's KubernetesAttributes). */
  static final String HINTS_FOR_ZONES = "hints.forZones";

  static final String HINTS_FOR_NODES = "hints.forNodes";

  /** The Service's {@code spec.trafficDistribution} (discovery-k8s's KubernetesAttributes). */
  static final String TRAFFIC_DISTRIBUTION = "k8s.trafficDistribution";

  private final Policy base;
  private final ZoneAware zoneAware;
  private final OutlierEjection ejection;
  private final SlowStart slowStart;

  private TrafficPolicy(
      Policy base, ZoneAware zoneAware, OutlierEjection ejection, SlowStart slowStart) {
    this.base = base;
    this.zoneAware = zoneAware;
    this.ejection = ejection;
    this.slowStart = slowStart;
  }

  /** {@code policy} with {@code zoneAware} (if not null) in its fixed place. */
  public static Policy withZoneAware(Policy policy, ZoneAware zoneAware) {
    TrafficPolicy t = of(policy);
    return new TrafficPolicy(t.base, zoneAware, t.ejection, t.slowStart);
  }

  /** {@code policy} with {@code ejection} in its fixed place. */
  public static Policy withOutlierEjection(Policy policy, OutlierEjection ejection) {
    TrafficPolicy t = of(policy);
    return new TrafficPolicy(t.base, t.zoneAware, ejection, t.slowStart);
  }

  /** {@code policy} with {@code slowStart} in its fixed place. */
  public static Policy withSlowStart(Policy policy, SlowStart slowStart) {
    TrafficPolicy t = of(policy);
    return new TrafficPolicy(t.base, t.zoneAware, t.ejection, slowStart);
  }

  private static TrafficPolicy of(Policy policy) {
    return policy instanceof TrafficPolicy t ? t : new TrafficPolicy(policy, null, null, null);
  }

  /**
   * {@code policy}'s base with {@code rewrap} applied to it, its layers kept: how affinity and a
   * base's own options go under the layers.
   */
  public static Policy mapBase(Policy policy, java.util.function.UnaryOperator<Policy> rewrap) {
    if (policy instanceof TrafficPolicy t) {
      return new TrafficPolicy(rewrap.apply(t.base), t.zoneAware, t.ejection, t.slowStart);
    }
    return rewrap.apply(policy);
  }

  /** The policy under the layers. */
  public Policy base() {
    return base;
  }

  @Override
  public String name() {
    return base.name();
  }

  @Override
  public boolean keyed() {
    return base.keyed();
  }

  /** Without an instance there is no state: no ejection, no warm-up; the zone filter only. */
  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    return new Instance<T>(null).newPicker(candidates);
  }

  @Override
  public <T> PolicyInstance<T> newInstance(PolicyContext context) {
    return new Instance<>(Objects.requireNonNull(context, "context"));
  }

  @Override
  public Policy configure(Map<String, ?> options) {
    return new TrafficPolicy(base.configure(options), zoneAware, ejection, slowStart);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrafficPolicy p
        && p.base.equals(base)
        && Objects.equals(p.zoneAware, zoneAware)
        && Objects.equals(p.ejection, ejection)
        && Objects.equals(p.slowStart, slowStart);
  }

  @Override
  public int hashCode() {
    return Objects.hash(base, zoneAware, ejection, slowStart);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(base.toString());
    if (zoneAware != null) {
      b.append(" with ").append(zoneAware);
    }
    if (ejection != null) {
      b.append(" with ").append(ejection);
    }
    if (slowStart != null) {
      b.append(" with ").append(slowStart);
    }
    return b.toString();
  }

  /**
   * The candidates in the caller's zone (or node), by kube-proxy's rules (see {@link ZoneAware}),
   * or {@code null} for all of them.
   */
  static boolean[] local(Candidates<?> candidates, ZoneAware config) {
    Map<String, String> facts = candidates.attributes();
    String zone =
        config.zone() != null
            ? config.zone()
            : facts.get(dev.discovery.api.EndpointSet.CLIENT_ZONE);
    String node =
        config.node() != null
            ? config.node()
            : facts.get(dev.discovery.api.EndpointSet.CLIENT_NODE);
    if (zone == null && node == null) {
      return null;
    }
    int n = candidates.size();
    boolean nodeHints = node != null;
    boolean zoneHints = zone != null;
    for (int i = 0; i < n; i++) {
      Map<String, String> a = candidates.endpoint(i).attributes();
      nodeHints &= a.containsKey(HINTS_FOR_NODES);
      zoneHints &= a.containsKey(HINTS_FOR_ZONES);
    }
    if (nodeHints || zoneHints) {
      boolean[] byNode = nodeHints ? matching(candidates, HINTS_FOR_NODES, node, true) : null;
      if (byNode != null) {
        return byNode;
      }
      return zoneHints ? matching(candidates, HINTS_FOR_ZONES, zone, true) : null;
    }
    if ("PreferSameNode".equals(facts.get(TRAFFIC_DISTRIBUTION))) {
      boolean[] byNode = node == null ? null : matching(candidates, null, node, false);
      if (byNode != null) {
        return byNode;
      }
    }
    return zone == null ? null : matching(candidates, null, zone, true);
  }

  /**
   * Which candidates match {@code value}: in the comma-separated {@code hintKey} attribute, or
   * (with no key) their own zone or node; {@code null} when none does.
   */
  private static boolean[] matching(
      Candidates<?> candidates, String hintKey, String value, boolean zone) {
    boolean[] out = new boolean[candidates.size()];
    boolean any = false;
    for (int i = 0; i < out.length; i++) {
      Endpoint e = candidates.endpoint(i);
      if (hintKey != null) {
        out[i] = List.of(e.attributes().get(hintKey).split(",")).contains(value);
      } else {
        out[i] = value.equals(zone ? e.zone() : e.node());
      }
      any |= out[i];
    }
    return any ? out : null;
  }

  /**
   * One endpoint's outlier state. Counters are atomic; ejection state is guarded by the instance.
   */
  static final class Health {
    final Endpoint endpoint;
    final AtomicInteger consecutive = new AtomicInteger();
    final AtomicLong successes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile boolean ejected;
    int timesEjected; // guarded by the instance

    Health(Endpoint endpoint) {
      this.endpoint = endpoint;
    }
  }

  private final class Instance<T> implements PolicyInstance<T>, CallFeedback {
    private final PolicyContext context; // null: a picker without state
    private final PolicyInstance<Integer> inner;
    private final CallFeedback innerFeedback;
    private final Map<InetSocketAddress, Health> health = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Long> joined = new HashMap<>(); // slow start, serialized
    private boolean first = true;
    private volatile long intervalEnd;
    private int candidateCount; // guarded by this
    private long warmRefreshAt = Long.MIN_VALUE; // guarded by this
    private long warmRefreshScheduled = Long.MIN_VALUE; // guarded by this

    Instance(PolicyContext context) {
      this.context = context;
      this.inner = context == null ? base::newPicker : base.newInstance(context);
      this.innerFeedback = inner.feedback();
      if (context != null && ejection != null) {
        intervalEnd = context.ticker().nanos() + ejection.interval().toNanos();
      }
    }

    @Override
    public CallFeedback feedback() {
      return context != null && ejection != null ? this : innerFeedback;
    }

    @Override
    public synchronized Picker<T> newPicker(Candidates<T> candidates) {
      int n = candidates.size();
      long now = context == null ? 0 : context.ticker().nanos();
      boolean[] out = new boolean[n];
      if (context != null && ejection != null) {
        Set<InetSocketAddress> present = new HashSet<>();
        for (int i = 0; i < n; i++) {
          Endpoint e = candidates.endpoint(i);
          present.add(e.address());
          Health h = health.computeIfAbsent(e.address(), k -> new Health(e));
          out[i] = h.ejected;
        }
        health.keySet().retainAll(present);
        candidateCount = n;
      }
      long[] warmSince = warmSince(candidates, now);

      boolean[] local = zoneAware == null ? null : local(candidates, zoneAware);
      if (local != null) {
        int inRotation = 0;
        for (int i = 0; i < n; i++) {
          if (local[i] && !out[i]) {
            inRotation++;
          }
        }
        if (inRotation < zoneAware.minLocalEndpoints()) {
          local = null; // spill over to every endpoint
        }
      }
      boolean keyed = base.keyed();
      boolean anyInRotation = false;
      for (int i = 0; i < n && !anyInRotation; i++) {
        anyInRotation = (local == null || local[i]) && !out[i];
      }
      if (!anyInRotation) {
        // Every endpoint left is ejected (the others left the snapshot): better all than none.
        out = new boolean[n];
      }
      List<Integer> indices = new ArrayList<>(n);
      List<Endpoint> endpoints = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if ((local == null || local[i]) && (keyed || !out[i])) {
          indices.add(i);
          endpoints.add(candidates.endpoint(i));
        }
      }
      Picker<Integer> picker =
          inner.newPicker(Candidates.of(indices, endpoints, candidates.attributes()));
      Object[] items = LeastRequestPolicy.items(candidates);
      return new TrafficPicker<>(items, picker, keyed ? out : null, warmSince, slowStart, ticker());
    }

    private PolicyContext.Ticker ticker() {
      return context == null ? PolicyContext.Ticker.SYSTEM : context.ticker();
    }

    /**
     * When each candidate joined, for those still in their slow-start window; {@code null} when
     * none is. The first snapshot's endpoints are not warming.
     */
    private long[] warmSince(Candidates<T> candidates, long now) {
      if (slowStart == null || context == null) {
        return null;
      }
      int n = candidates.size();
      long window = slowStart.window().toNanos();
      long[] since = new long[n];
      boolean any = false;
      Set<InetSocketAddress> present = new HashSet<>();
      for (int i = 0; i < n; i++) {
        InetSocketAddress id = candidates.endpoint(i).address();
        present.add(id);
        long t = joined.computeIfAbsent(id, k -> first ? Long.MIN_VALUE : now);
        since[i] = t;
        if (t != Long.MIN_VALUE && now - t < window) {
          any = true;
          warmRefreshAt = Math.max(warmRefreshAt, t + window);
        } else {
          since[i] = Long.MIN_VALUE;
        }
      }
      joined.keySet().retainAll(present);
      first = false;
      if (any && warmRefreshScheduled != warmRefreshAt) {
        // A picker without the warm-up path once every window is over (one timer per latest end).
        warmRefreshScheduled = warmRefreshAt;
        schedule(this::refresh, Math.max(0, warmRefreshAt - now));
      }
      return any ? since : null;
    }

    private void refresh() {
      context.refresh().run();
    }

    private void schedule(Runnable task, long delayNanos) {
      try {
        context.scheduler().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // closing: nothing more to do
      }
    }

    @Override
    public void onStart(Endpoint endpoint) {
      if (innerFeedback != null) {
        innerFeedback.onStart(endpoint);
      }
    }

    @Override
    public void onEnd(Endpoint endpoint, CallOutcome outcome, long latencyNanos) {
      if (innerFeedback != null) {
        innerFeedback.onEnd(endpoint, outcome, latencyNanos);
      }
      long now = context.ticker().nanos();
      if (now - intervalEnd >= 0 && endInterval(now)) {
        refresh();
      }
      if (outcome.cancelled()) {
        return;
      }
      Health h = health.get(endpoint.address());
      if (h == null) {
        return; // no longer a candidate
      }
      if (outcome.success()) {
        h.successes.incrementAndGet();
        h.consecutive.set(0);
      } else if (ejection.isFailure(outcome.status())) {
        h.failures.incrementAndGet();
        int row = h.consecutive.incrementAndGet();
        if (ejection.consecutiveFailures() > 0
            && row >= ejection.consecutiveFailures()
            && eject(h, row + " consecutive failures")) {
          refresh();
        }
      }
    }

    /**
     * The failure-percentage check over the interval that ended, then a new interval; evaluated by
     * the first call to end after the interval's end (no timer to outlive the consumer).
     */
    private synchronized boolean endInterval(long now) {
      if (now - intervalEnd < 0) {
        return false; // another thread did it
      }
      intervalEnd = now + ejection.interval().toNanos();
      int threshold = ejection.failurePercentageThreshold();
      List<Health> failing = new ArrayList<>();
      List<String> reasons = new ArrayList<>();
      int judged = 0;
      for (Health h : health.values()) {
        long s = h.successes.getAndSet(0);
        long f = h.failures.getAndSet(0);
        if (h.ejected) {
          continue;
        }
        if (h.timesEjected > 0) {
          h.timesEjected--;
        }
        if (s + f < ejection.failurePercentageRequestVolume()) {
          continue;
        }
        judged++;
        if (threshold > 0 && f * 100 >= (long) threshold * (s + f)) {
          failing.add(h);
          reasons.add(
              f + " of " + (s + f) + " calls failed in " + ejection.interval().toSeconds() + "s");
        }
      }
      boolean any = false;
      if (judged >= ejection.failurePercentageMinimumHosts()) {
        for (int i = 0; i < failing.size(); i++) {
          any |= eject(failing.get(i), reasons.get(i));
        }
      }
      return any;
    }

    /**
     * Takes {@code h} out of rotation unless the cap forbids it; the caller then asks for a new
     * picker (outside the lock).
     */
    private synchronized boolean eject(Health h, String reason) {
      if (h.ejected || health.get(h.endpoint.address()) != h) {
        return false;
      }
      int out = 0;
      for (Health x : health.values()) {
        if (x.ejected) {
          out++;
        }
      }
      int n = candidateCount;
      int cap = Math.min(n - 1, Math.max(1, n * ejection.maxEjectionPercent() / 100));
      if (out >= cap) {
        return false;
      }
      h.timesEjected++;
      Duration base = ejection.baseEjectionTime().multipliedBy(h.timesEjected);
      Duration time =
          base.compareTo(ejection.maxEjectionTime()) > 0 ? ejection.maxEjectionTime() : base;
      h.ejected = true;
      h.consecutive.set(0);
      h.successes.set(0);
      h.failures.set(0);
      observe(
          new DiscoveryEvent.EndpointEjected(context.target(), h.endpoint, name(), reason, time));
      schedule(
          () -> {
            if (restore(h)) {
              refresh();
            }
          },
          time.toNanos());
      return true;
    }

    /** Puts {@code h} back in rotation, if it is still the endpoint's state. */
    private synchronized boolean restore(Health h) {
      if (!h.ejected || health.get(h.endpoint.address()) != h) {
        return false;
      }
      h.ejected = false;
      observe(new DiscoveryEvent.EndpointReturned(context.target(), h.endpoint, name()));
      return true;
    }

    private void observe(DiscoveryEvent event) {
      try {
        context.observer().onEvent(event);
      } catch (RuntimeException e) {
        log.warn("Observer failed on {}", event, e);
      }
    }
  }

  /** One snapshot's picker over the layers; the base picker chooses among candidate indices. */
  static final class TrafficPicker<T> implements Picker<T> {
    private final Object[] items;
    private final Picker<Integer> inner;
    private final boolean[] out; // ejected candidates the base may still choose; null: none
    private final long[] warmSince; // when each joined, MIN_VALUE if not warming; null: none
    private final SlowStart slowStart;
    private final PolicyContext.Ticker ticker;

    TrafficPicker(
        Object[] items,
        Picker<Integer> inner,
        boolean[] out,
        long[] warmSince,
        SlowStart slowStart,
        PolicyContext.Ticker ticker) {
      this.items = items;
      this.inner = inner;
      this.out = out == null || !any(out) ? null : out;
      this.warmSince = warmSince;
      this.slowStart = slowStart;
      this.ticker = ticker;
    }

    private static boolean any(boolean[] flags) {
      for (boolean f : flags) {
        if (f) {
          return true;
        }
      }
      return false;
    }

    private boolean skipped(int i) {
      return out != null && out[i];
    }

    private double weight(int i, long now) {
      long since = warmSince[i];
      return since == Long.MIN_VALUE ? 1.0 : slowStart.weight(now - since);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick() {
      if (out == null && warmSince == null) {
        return (T) items[inner.pick()];
      }
      long now = 0; // read from the ticker once a warming endpoint is chosen
      boolean timed = false;
      int fallback = -1;
      for (int t = 0; t < MAX_TRIES; t++) {
        int i = inner.pick();
        if (skipped(i)) {
          continue;
        }
        if (fallback < 0) {
          fallback = i;
        }
        if (warmSince == null || warmSince[i] == Long.MIN_VALUE) {
          return (T) items[i];
        }
        if (!timed) {
          now = ticker.nanos();
          timed = true;
        }
        if (java.util.concurrent.ThreadLocalRandom.current().nextDouble() < weight(i, now)) {
          return (T) items[i];
        }
      }
      return (T) items[fallback >= 0 ? fallback : inRotation(0)];
    }

    @Override
    public T pick(CharSequence key) {
      return pick(key, 0);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick(CharSequence key, int attempt) {
      if (out == null && warmSince == null) {
        return (T) items[inner.pick(key, attempt)];
      }
      long now = 0; // read from the ticker once a warming endpoint is chosen
      boolean timed = false;
      long hash = 0;
      int fallback = -1;
      int seen = 0;
      for (int a = 0; a < attempt + MAX_TRIES; a++) {
        int i = inner.pick(key, a);
        if (skipped(i)) {
          continue;
        }
        if (fallback < 0) {
          fallback = i;
        }
        if (warmSince != null && warmSince[i] != Long.MIN_VALUE) {
          if (!timed) {
            now = ticker.nanos();
            hash = StickyHash.hashKey(key);
            timed = true;
          }
          if (unit(hash, i) >= weight(i, now)) {
            continue;
          }
        }
        if (seen++ == attempt) {
          return (T) items[i];
        }
      }
      return (T) items[fallback >= 0 ? fallback : inRotation(attempt)];
    }

    /** A uniform number in [0, 1) of a key and a candidate: the key's fixed draw for it. */
    private static double unit(long hash, int i) {
      long z = hash + (i + 1) * 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      return (z >>> 11) * 0x1.0p-53;
    }

    /** A candidate in rotation, searching from {@code from}: one always is. */
    private int inRotation(int from) {
      int n = items.length;
      for (int k = 0; k < n; k++) {
        int i = Math.floorMod(from + k, n);
        if (!skipped(i)) {
          return i;
        }
      }
      return 0;
    }
  }
}
