package dev.discovery.bench.fleet;

import dev.discovery.k8s.internal.DnsResolver;
import dev.discovery.k8s.internal.api.ResourceWatch;
import dev.discovery.spi.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A fleet of SDK clients, simulated, since no machine here holds one: what a restart of the API
 * server, or a common start against the cluster DNS, sends to the server over time. Each client
 * process follows the SDK's own rules, drawn through the SDK's own code with a seeded random source
 * per pod:
 *
 * <ul>
 *   <li><b>API source.</b> A pod has one Discovery, hence one ApiHub; per watched Service a
 *       ServiceWatcher holds {@link Fleet#streamsPerService()} watch streams (its Service object
 *       and its EndpointSlices), each a ResourceWatch of its own with its own failure count. When
 *       every stream drops at t = 0, each ResourceWatch does what its {@code onEnd} does: a dropped
 *       stream ({@link Drop#RESET}) is a failure, retried after {@link Backoff#delayAfter} with the
 *       watch's backoff ({@link ResourceWatch.Options#defaults()}, the same {@link
 *       Backoff#defaults()} that ApiResolverProvider passes by default); a stream that ends cleanly
 *       ({@link Drop#CLEAN_END}, a graceful shutdown ending the response) is resumed at once. An
 *       attempt while the server is down (before {@link Outage#downtime()}) is refused: one more
 *       failure, a longer wait. The first attempt after the downtime re-establishes the stream: one
 *       reconnect. "Without jitter" is the same backoff with randomization 0.
 *   <li><b>DNS source.</b> A pod resolves each Service at start (t = 0, a common start) and again
 *       after {@link DnsResolver#refreshDelay} (TTL x U[0.8, 1.0] clamped to [1 s, 30 s], the
 *       provider's defaults), each resolution asking {@code queriesPerResolution} questions.
 *       "Without jitter" refreshes at the TTL itself, as a plain TTL cache does.
 * </ul>
 *
 * <p>Streams and resolvers never wait on one another (the server here admits everything), so each
 * one's attempts are drawn in turn, in pod order, and counted in millisecond buckets: a discrete
 * event simulation whose events need no shared queue. Deterministic for a seed.
 */
public final class FleetSimulation {
  /** The resolution of every count: 1 ms. */
  static final Duration TICK = Duration.ofMillis(1);

  /**
   * The DNS provider's default refresh bounds (DnsResolverProvider.Builder#minRefresh/maxRefresh).
   */
  static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  static final Duration MAX_REFRESH = Duration.ofSeconds(30);

  private FleetSimulation() {}

  /**
   * Who watches.
   *
   * @param pods client pods, one Discovery each
   * @param services Services each pod watches
   * @param streamsPerService API watch streams per watched Service (2: Service and EndpointSlices)
   */
  public record Fleet(int pods, int services, int streamsPerService) {
    public Fleet {
      if (pods < 1 || services < 1 || streamsPerService < 1) {
        throw new IllegalArgumentException(
            "fleet: "
                + pods
                + " pods, "
                + services
                + " Services, "
                + streamsPerService
                + " streams per Service (expected: each >= 1)");
      }
    }

    /** API watch streams in the fleet. */
    public int streams() {
      return Math.multiplyExact(Math.multiplyExact(pods, services), streamsPerService);
    }

    /** DNS resolvers in the fleet: one per pod and Service. */
    public int resolvers() {
      return Math.multiplyExact(pods, services);
    }
  }

  /** How the watch streams end at t = 0. */
  public enum Drop {
    /** The connection breaks: a failure, retried after the backoff. */
    RESET,
    /** The response ends cleanly: resumed at once, then backoff while refused. */
    CLEAN_END
  }

  /**
   * What happens at t = 0: every stream ends as {@code drop}; the server refuses for {@code
   * downtime}.
   */
  public record Outage(Drop drop, Duration downtime) {
    public Outage {
      Objects.requireNonNull(drop, "drop");
      Objects.requireNonNull(downtime, "downtime");
      if (downtime.isNegative()) {
        throw new IllegalArgumentException("downtime: " + downtime + " (expected: >= 0)");
      }
    }

    public String describe() {
      return (drop == Drop.RESET ? "streams reset" : "streams ended cleanly")
          + ", server back after "
          + downtime.toSeconds()
          + " s";
    }
  }

  /**
   * What the API server saw after the restart.
   *
   * @param reconnects re-established streams per millisecond from t = 0
   * @param attempts requests per millisecond (refused ones and reconnects)
   * @param reconnectsPerStream how many times each stream was re-established
   */
  public record ApiRun(Curve reconnects, Curve attempts, int[] reconnectsPerStream) {}

  /** The backoff of the API source's watches ({@link ResourceWatch.Options#defaults()}). */
  public static Backoff watchBackoff() {
    return ResourceWatch.Options.defaults().backoff();
  }

  /** {@code backoff} without jitter: the same waits, randomization 0. */
  public static Backoff withoutJitter(Backoff backoff) {
    return new Backoff(backoff.initial(), backoff.multiplier(), 0, backoff.max());
  }

  /**
   * Every stream of {@code fleet} ends at t = 0 as {@code outage} says; counted up to {@code
   * horizon}.
   */
  public static ApiRun apiRestart(
      Fleet fleet, Outage outage, Backoff backoff, long seed, Duration horizon) {
    Curve reconnects = Curve.of(horizon);
    Curve attempts = Curve.of(horizon);
    int[] perStream = new int[fleet.streams()];
    long down = outage.downtime().toMillis();
    SplittableRandom seeds = new SplittableRandom(seed);
    int stream = 0;
    for (int pod = 0; pod < fleet.pods(); pod++) {
      RandomGenerator random = seeds.split(); // one provider's random source per pod
      for (int s = 0; s < fleet.services() * fleet.streamsPerService(); s++, stream++) {
        int failures = 0;
        long t = 0;
        if (outage.drop() == Drop.RESET) {
          failures = 1;
          t = backoff.delayAfter(failures, random).toMillis();
        }
        while (t < down) {
          attempts.add(t);
          failures++;
          t += backoff.delayAfter(failures, random).toMillis();
        }
        attempts.add(t);
        reconnects.add(t);
        perStream[stream]++;
      }
    }
    return new ApiRun(reconnects, attempts, perStream);
  }

  /**
   * Every resolver of {@code fleet} resolves at t = 0 and refreshes after {@code ttl}, jittered as
   * {@link DnsResolver} does or not: questions per millisecond up to {@code horizon}.
   */
  public static Curve dnsQueries(
      Fleet fleet,
      Duration ttl,
      boolean jitter,
      int queriesPerResolution,
      long seed,
      Duration horizon) {
    Curve queries = Curve.of(horizon);
    long end = horizon.toMillis();
    long fixed = Math.max(MIN_REFRESH.toMillis(), Math.min(MAX_REFRESH.toMillis(), ttl.toMillis()));
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int pod = 0; pod < fleet.pods(); pod++) {
      RandomGenerator random = seeds.split();
      for (int s = 0; s < fleet.services(); s++) {
        for (long t = 0; t < end; ) {
          queries.add(t, queriesPerResolution);
          t +=
              jitter
                  ? DnsResolver.refreshDelay(ttl, MIN_REFRESH, MAX_REFRESH, random).toMillis()
                  : fixed;
        }
      }
    }
    return queries;
  }

  /** Counts per millisecond from t = 0; what falls at or after the horizon is counted apart. */
  public static final class Curve {
    private final long[] perMilli;
    private long later;

    private Curve(int millis) {
      this.perMilli = new long[millis];
    }

    static Curve of(Duration horizon) {
      return new Curve(Math.toIntExact(horizon.toMillis()));
    }

    void add(long millis) {
      add(millis, 1);
    }

    void add(long millis, long n) {
      if (millis < perMilli.length) {
        perMilli[(int) millis] += n;
      } else {
        later += n;
      }
    }

    /** Everything counted, the horizon's overflow included. */
    public long total() {
      long sum = later;
      for (long c : perMilli) {
        sum += c;
      }
      return sum;
    }

    /** Counted at or after the horizon. */
    public long afterHorizon() {
      return later;
    }

    /** Counts in consecutive buckets of {@code bucket} from t = 0, up to the horizon. */
    public long[] buckets(Duration bucket) {
      int width = Math.toIntExact(bucket.toMillis());
      long[] out = new long[(perMilli.length + width - 1) / width];
      for (int i = 0; i < perMilli.length; i++) {
        out[i / width] += perMilli[i];
      }
      return out;
    }

    /** The highest rate per second seen in one bucket of {@code bucket}. */
    public double peakPerSecond(Duration bucket) {
      return peakPerSecond(bucket, Duration.ZERO, Duration.ofMillis(perMilli.length));
    }

    /** The highest rate per second in one bucket of {@code bucket} starting in [from, to). */
    public double peakPerSecond(Duration bucket, Duration from, Duration to) {
      long[] b = buckets(bucket);
      long width = bucket.toMillis();
      long max = 0;
      for (int i = 0; i < b.length; i++) {
        long start = i * width;
        if (start >= from.toMillis() && start < to.toMillis()) {
          max = Math.max(max, b[i]);
        }
      }
      return max * 1000.0 / width;
    }

    /**
     * The most counted within any window of {@code width} (sliding by 1 ms): with {@code width} the
     * time a request holds a seat, the most requests in flight at once.
     */
    public long peakWithin(Duration width) {
      int w = Math.toIntExact(width.toMillis());
      long sum = 0;
      long max = 0;
      for (int i = 0; i < perMilli.length; i++) {
        sum += perMilli[i];
        if (i >= w) {
          sum -= perMilli[i - w];
        }
        max = Math.max(max, sum);
      }
      return max;
    }

    /** When the running count first reached {@code fraction} of the total, or null if never. */
    public Duration timeToFraction(double fraction) {
      double target = fraction * total();
      long sum = 0;
      for (int i = 0; i < perMilli.length; i++) {
        sum += perMilli[i];
        if (sum >= target && sum > 0) {
          return Duration.ofMillis(i);
        }
      }
      return null;
    }

    /** The mean rate per second over [from, to). */
    public double meanPerSecond(Duration from, Duration to) {
      long sum = 0;
      for (long i = from.toMillis(); i < to.toMillis() && i < perMilli.length; i++) {
        sum += perMilli[(int) i];
      }
      return sum * 1000.0 / (to.toMillis() - from.toMillis());
    }
  }
}
