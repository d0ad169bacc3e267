package dev.discovery.micrometer;

import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryEvent;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.DiscoveryStatus;
import dev.discovery.api.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Metrics of a {@link Discovery} as a Micrometer {@link MeterBinder}, in one line:
 *
 * <pre>{@code
 * new DiscoveryMetrics(discovery).bindTo(registry);
 * }</pre>
 *
 * or, in Spring Boot, {@code @Bean MeterBinder discoveryMetrics(Discovery d) { return new
 * DiscoveryMetrics(d); }}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code discovery.endpoints}</td><td>gauge</td><td>target, state</td>
 *       <td>endpoints of the current snapshot by state: {@code total}, {@code ready},
 *       {@code serving}, {@code terminating}, {@code ejected}</td></tr>
 *   <tr><td>{@code discovery.staleness}</td><td>gauge (seconds)</td><td>target</td>
 *       <td>time since the last successful resolution</td></tr>
 *   <tr><td>{@code discovery.failing}</td><td>gauge</td><td>target</td>
 *       <td>1 while the last resolution failed, else 0</td></tr>
 *   <tr><td>{@code discovery.resolutions}</td><td>counter</td><td>target, source, result</td>
 *       <td>successful resolutions; result {@code changed} or {@code unchanged}</td></tr>
 *   <tr><td>{@code discovery.resolution.failures}</td><td>counter</td>
 *       <td>target, error.kind</td><td>failed resolutions by kind ({@code unavailable},
 *       {@code not_found}, ...)</td></tr>
 *   <tr><td>{@code discovery.outages}</td><td>timer</td><td>target</td>
 *       <td>outages that ended: from the first failure to the next success</td></tr>
 *   <tr><td>{@code discovery.change.delay}</td><td>timer</td><td>target, source</td>
 *       <td>from a change at the source to the watch publishing it, where the source says when
 *       (the Kubernetes API source; not DNS)</td></tr>
 *   <tr><td>{@code discovery.source.activity}</td><td>counter</td>
 *       <td>target, source, activity</td><td>what a source did on its own: {@code reconnect},
 *       {@code relist}</td></tr>
 *   <tr><td>{@code discovery.endpoint.ejections}</td><td>counter</td><td>target, policy</td>
 *       <td>endpoints a policy took out of rotation</td></tr>
 *   <tr><td>{@code discovery.endpoint.returns}</td><td>counter</td><td>target, policy</td>
 *       <td>ejected endpoints back in rotation</td></tr>
 *   <tr><td>{@code discovery.picks}</td><td>function counter</td><td>target, endpoint</td>
 *       <td>picks per endpoint ({@code ip:port}), when the discovery counts picks ({@link
 *       Discovery.Builder#countPicks(boolean)}); at most {@link Discovery#MAX_COUNTED_ENDPOINTS}
 *       endpoints per target, the rest as {@code endpoint=other}</td></tr>
 * </table>
 *
 * <p>A target's meters appear when its watch starts and are removed when it closes. Gauges read
 * {@link Discovery#status()}, taken at most every {@value #STATUS_REFRESH_MILLIS} ms; the other
 * meters follow the discovery's events ({@link Discovery#observe}), off the pick path. Thread-safe;
 * may be bound to several registries. {@link #close()} stops observing and removes the meters.
 *
 * @since 0.2
 */
public final class DiscoveryMetrics implements MeterBinder, AutoCloseable {
  /** How often, at most, gauges take a new {@link Discovery#status()}. */
  public static final long STATUS_REFRESH_MILLIS = 100;

  /** The {@code endpoint} tag of picks beyond the per-target bound. */
  public static final String OTHER_ENDPOINTS = "other";

  private final Discovery discovery;
  private final Tags tags;
  private final StatusCache status;
  private final List<Binding> bindings = new CopyOnWriteArrayList<>();

  /** Metrics of {@code discovery}. */
  public DiscoveryMetrics(Discovery discovery) {
    this(discovery, Tags.empty());
  }

  /** Metrics of {@code discovery}, each meter with {@code tags} too. */
  public DiscoveryMetrics(Discovery discovery, Iterable<Tag> tags) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    this.status = new StatusCache(discovery);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Binding b = new Binding(registry);
    bindings.add(b);
    b.subscription = discovery.observe(b);
    for (DiscoveryStatus.Watch w : discovery.status().watches()) {
      b.started(w.target());
    }
  }

  /** Stops observing and removes every meter this binder registered. Idempotent. */
  @Override
  public void close() {
    for (Binding b : bindings) {
      b.close();
    }
    bindings.clear();
  }

  /** {@link Discovery#status()}, taken again when older than {@link #STATUS_REFRESH_MILLIS}. */
  private static final class StatusCache {
    private final Discovery discovery;
    private volatile Map<String, DiscoveryStatus.Watch> watches = Map.of();
    private volatile long takenAt;
    private volatile boolean taken;

    StatusCache(Discovery discovery) {
      this.discovery = discovery;
    }

    DiscoveryStatus.Watch watch(String target) {
      long now = System.nanoTime();
      if (!taken || now - takenAt > Duration.ofMillis(STATUS_REFRESH_MILLIS).toNanos()) {
        Map<String, DiscoveryStatus.Watch> m = new HashMap<>();
        for (DiscoveryStatus.Watch w : discovery.status().watches()) {
          m.put(w.target(), w);
        }
        watches = m;
        takenAt = now;
        taken = true;
      }
      return watches.get(target);
    }

    /** Forgets the status, so that the next read takes it anew. */
    void invalidate() {
      taken = false;
    }
  }

  /** The meters of one registry, and the observer that keeps them. */
  private final class Binding implements DiscoveryObserver {
    private final MeterRegistry registry;
    private final Map<String, TargetMeters> targets = new ConcurrentHashMap<>();
    private volatile Subscription subscription;

    Binding(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void onEvent(DiscoveryEvent event) {
      String target = event.target();
      if (event instanceof DiscoveryEvent.WatchStarted) {
        status.invalidate();
        started(target);
      } else if (event instanceof DiscoveryEvent.WatchClosed) {
        TargetMeters t = targets.remove(target);
        if (t != null) {
          t.remove();
        }
      } else if (event instanceof DiscoveryEvent.Resolved r) {
        TargetMeters t = meters(target);
        t.counter(
                "discovery.resolutions",
                "Successful resolutions: changed (published) or unchanged",
                Tags.of(
                    "source", r.source().name(), "result", r.changed() ? "changed" : "unchanged"))
            .increment();
        if (r.sourceDelay() != null) {
          t.timer(
                  "discovery.change.delay",
                  "From a change at the source to the watch publishing it",
                  Tags.of("source", r.source().name()))
              .record(r.sourceDelay());
        }
        if (r.changed()) {
          status.invalidate();
          t.syncPicks();
        }
      } else if (event instanceof DiscoveryEvent.ResolutionFailed f) {
        meters(target)
            .counter(
                "discovery.resolution.failures",
                "Failed resolutions by kind of error",
                Tags.of("error.kind", f.error().kind().name().toLowerCase(Locale.ROOT)))
            .increment();
      } else if (event instanceof DiscoveryEvent.Recovered r) {
        meters(target)
            .timer(
                "discovery.outages",
                "Outages that ended: from the first failure to the next success",
                Tags.empty())
            .record(r.outage());
      } else if (event instanceof DiscoveryEvent.SourceActivity a) {
        meters(target)
            .counter(
                "discovery.source.activity",
                "What a source did on its own, such as reconnect and relist",
                Tags.of("source", a.source(), "activity", a.activity()))
            .increment();
      } else if (event instanceof DiscoveryEvent.EndpointEjected e) {
        meters(target)
            .counter(
                "discovery.endpoint.ejections",
                "Endpoints a policy took out of rotation",
                Tags.of("policy", e.policy()))
            .increment();
      } else if (event instanceof DiscoveryEvent.EndpointReturned e) {
        meters(target)
            .counter(
                "discovery.endpoint.returns",
                "Ejected endpoints back in rotation",
                Tags.of("policy", e.policy()))
            .increment();
      }
    }

    void started(String target) {
      meters(target);
    }

    private TargetMeters meters(String target) {
      return targets.computeIfAbsent(target, t -> new TargetMeters(this, t));
    }

    void close() {
      Subscription s = subscription;
      if (s != null) {
        s.close();
      }
      targets.values().forEach(TargetMeters::remove);
      targets.clear();
    }
  }

  /** The meters of one target in one registry. */
  private final class TargetMeters {
    private final MeterRegistry registry;
    private final String target;
    private final Tags targetTags;
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private final Map<String, Meter> picks = new HashMap<>(); // guarded by this

    TargetMeters(Binding binding, String target) {
      this.registry = binding.registry;
      this.target = target;
      this.targetTags = tags.and("target", target);
      gauge("total", c -> c.total());
      gauge("ready", c -> c.ready());
      gauge("serving", c -> c.serving());
      gauge("terminating", c -> c.terminating());
      gauge("ejected", c -> c.ejected());
      meters.add(
          Gauge.builder("discovery.staleness", this, TargetMeters::staleness)
              .description("Time since the last successful resolution")
              .baseUnit("seconds")
              .tags(targetTags)
              .strongReference(true)
              .register(registry));
      meters.add(
          Gauge.builder("discovery.failing", this, t -> t.read(w -> w.failing() ? 1 : 0))
              .description("1 while the last resolution failed, else 0")
              .tags(targetTags)
              .strongReference(true)
              .register(registry));
      syncPicks();
    }

    private void gauge(String state, ToDoubleFunction<DiscoveryStatus.Counts> count) {
      meters.add(
          Gauge.builder(
                  "discovery.endpoints", this, t -> t.read(w -> count.applyAsDouble(w.counts())))
              .description("Endpoints of the current snapshot by state")
              .tags(targetTags.and("state", state))
              .strongReference(true)
              .register(registry));
    }

    private double read(ToDoubleFunction<DiscoveryStatus.Watch> value) {
      DiscoveryStatus.Watch w = status.watch(target);
      return w == null ? Double.NaN : value.applyAsDouble(w);
    }

    private double staleness() {
      // Read at every scrape: picks counted since the last one by a balancer built meanwhile get
      // their counters here.
      syncPicks();
      return read(w -> w.staleness().toNanos() / 1e9);
    }

    Counter counter(String name, String description, Tags extra) {
      Counter c =
          Counter.builder(name)
              .description(description)
              .tags(targetTags.and(extra))
              .register(registry);
      meters.add(c);
      return c;
    }

    Timer timer(String name, String description, Tags extra) {
      Timer t =
          Timer.builder(name)
              .description(description)
              .tags(targetTags.and(extra))
              .register(registry);
      meters.add(t);
      return t;
    }

    /**
     * Registers a counter per counted endpoint that is new and removes those of endpoints gone
     * (their count goes with them); {@code endpoint=other} counts the rest.
     */
    synchronized void syncPicks() {
      DiscoveryStatus.Watch w = status.watch(target);
      if (w == null || (w.picks().isEmpty() && w.otherPicks() == 0 && picks.isEmpty())) {
        return;
      }
      for (String endpoint : w.picks().keySet()) {
        picks.computeIfAbsent(endpoint, e -> pickCounter(e, t -> t.picksOf(e)));
      }
      picks.computeIfAbsent(OTHER_ENDPOINTS, e -> pickCounter(e, TargetMeters::otherPicks));
      for (String endpoint : new ArrayList<>(picks.keySet())) {
        if (!endpoint.equals(OTHER_ENDPOINTS) && !w.picks().containsKey(endpoint)) {
          Meter gone = picks.remove(endpoint);
          meters.remove(gone);
          registry.remove(gone);
        }
      }
    }

    private Meter pickCounter(String endpoint, ToDoubleFunction<TargetMeters> count) {
      Meter m =
          FunctionCounter.builder("discovery.picks", this, count)
              .description("Picks per endpoint of the target's balancers")
              .tags(targetTags.and("endpoint", endpoint))
              .register(registry);
      meters.add(m);
      return m;
    }

    private double picksOf(String endpoint) {
      DiscoveryStatus.Watch w = status.watch(target);
      Long n = w == null ? null : w.picks().get(endpoint);
      if (w != null && n == null) {
        syncPicks(); // the endpoint left: its counter goes
      }
      return n == null ? Double.NaN : n;
    }

    private double otherPicks() {
      DiscoveryStatus.Watch w = status.watch(target);
      if (w != null) {
        syncPicks(); // a balancer built since the last change may count endpoints not seen yet
      }
      return w == null ? Double.NaN : w.otherPicks();
    }

    void remove() {
      for (Meter m : meters) {
        registry.remove(m);
      }
      meters.clear();
      synchronized (this) {
        picks.clear();
      }
    }
  }
}
