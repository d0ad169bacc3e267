package dev.discovery.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Outlier ejection over any policy (Envoy's {@code outlier_detection}, grpc's {@code
 * outlier_detection_experimental}): an endpoint whose calls fail is taken out of rotation for a
 * while, then returns on its own. Calls are reported through {@link Balancer#start()} in the Java
 * API and by the calls themselves in gRPC.
 *
 * <p>An endpoint is ejected when {@link #consecutiveFailures()} calls in a row failed, or when, at
 * the end of an {@link #interval()}, at least {@link #failurePercentageRequestVolume()} calls went
 * to it in the interval and at least {@link #failurePercentageThreshold()} % of them failed
 * (checked only while at least {@link #failurePercentageMinimumHosts()} endpoints had that volume).
 * A call fails when its status is one of {@link #failureStatuses()}; a cancelled call never counts.
 *
 * <p>The n-th ejection in a row lasts {@link #baseEjectionTime()} x n, at most {@link
 * #maxEjectionTime()}; n goes down by one for every interval the endpoint spends in rotation. At
 * most {@link #maxEjectionPercent()} % of the endpoints are out at once, but always at least one
 * may be (as Envoy and grpc do: with the default 10 %, a Service of 3 can still eject its one bad
 * endpoint); and never the last one: with a single endpoint nothing is ejected.
 *
 * @param consecutiveFailures failures in a row that eject an endpoint; 0 turns this check off
 * @param interval the window of the failure-percentage check, and of the ejection multiplier's
 *     decay
 * @param baseEjectionTime how long a first ejection lasts
 * @param maxEjectionTime how long an ejection lasts at most
 * @param maxEjectionPercent the share of endpoints out at once, 0..100 (at least one may be)
 * @param failurePercentageThreshold the failed share of an interval's calls that ejects, 1..100; 0
 *     turns this check off
 * @param failurePercentageMinimumHosts endpoints with enough volume for the percentage check to run
 * @param failurePercentageRequestVolume calls in an interval for an endpoint to be judged by it
 * @param failureStatuses the call statuses that count as failures of the endpoint
 * @since 0.2
 */
public record OutlierEjection(
    int consecutiveFailures,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent,
    int failurePercentageThreshold,
    int failurePercentageMinimumHosts,
    int failurePercentageRequestVolume,
    Set<String> failureStatuses) {

  /** The option of {@link Policies#configure} that asks for outlier ejection: a JSON object. */
  public static final String OPTION = "outlierEjection";

  /**
   * The default failure statuses: the gRPC codes that say an endpoint (not the request) is at
   * fault, and the Java API's {@code FAILURE}.
   */
  public static final Set<String> DEFAULT_FAILURE_STATUSES =
      Set.copyOf(
          List.of(
              "FAILURE",
              "UNAVAILABLE",
              "DEADLINE_EXCEEDED",
              "INTERNAL",
              "UNKNOWN",
              "RESOURCE_EXHAUSTED"));

  private static final List<String> NAMES =
      List.of(
          "consecutiveFailures",
          "interval",
          "baseEjectionTime",
          "maxEjectionTime",
          "maxEjectionPercent",
          "failurePercentageThreshold",
          "failurePercentageMinimumHosts",
          "failurePercentageRequestVolume",
          "failureStatuses");

  public OutlierEjection {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
    Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    Objects.requireNonNull(failureStatuses, "failureStatuses");
    failureStatuses = Set.copyOf(new LinkedHashSet<>(failureStatuses));
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException(
          "consecutiveFailures: " + consecutiveFailures + " (expected: >= 1, or 0 for off)");
    }
    positive("interval", interval);
    positive("baseEjectionTime", baseEjectionTime);
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw new IllegalArgumentException(
          "maxEjectionTime: "
              + Options.duration(maxEjectionTime)
              + " (expected: >= baseEjectionTime "
              + Options.duration(baseEjectionTime)
              + ")");
    }
    percent("maxEjectionPercent", maxEjectionPercent);
    percent("failurePercentageThreshold", failurePercentageThreshold);
    if (failurePercentageMinimumHosts < 1) {
      throw new IllegalArgumentException(
          "failurePercentageMinimumHosts: " + failurePercentageMinimumHosts + " (expected: >= 1)");
    }
    if (failurePercentageRequestVolume < 1) {
      throw new IllegalArgumentException(
          "failurePercentageRequestVolume: "
              + failurePercentageRequestVolume
              + " (expected: >= 1)");
    }
    if (consecutiveFailures == 0 && failurePercentageThreshold == 0) {
      throw new IllegalArgumentException(
          "consecutiveFailures: 0 and failurePercentageThreshold: 0 (expected: at least one"
              + " check on)");
    }
    if (failureStatuses.isEmpty() || failureStatuses.contains("CANCELLED")) {
      throw new IllegalArgumentException(
          "failureStatuses: "
              + failureStatuses
              + " (expected: at least one status, never CANCELLED)");
    }
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          name + ": " + Options.duration(d) + " (expected: more than 0)");
    }
  }

  private static void percent(String name, int p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException(name + ": " + p + " (expected: 0..100)");
    }
  }

  /**
   * The defaults: 5 consecutive failures; 85 % failed of at least 50 calls in a 10 s interval, with
   * 5 such endpoints; ejected for 30 s x times in a row, at most 300 s; 10 % out at once (at least
   * one); {@link #DEFAULT_FAILURE_STATUSES}.
   */
  public static OutlierEjection defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .consecutiveFailures(consecutiveFailures)
        .interval(interval)
        .baseEjectionTime(baseEjectionTime)
        .maxEjectionTime(maxEjectionTime)
        .maxEjectionPercent(maxEjectionPercent)
        .failurePercentageThreshold(failurePercentageThreshold)
        .failurePercentageMinimumHosts(failurePercentageMinimumHosts)
        .failurePercentageRequestVolume(failurePercentageRequestVolume)
        .failureStatuses(failureStatuses);
  }

  /** Whether a call that ended with {@code status} counts as a failure. */
  public boolean isFailure(String status) {
    return failureStatuses.contains(status);
  }

  /**
   * The configuration that the JSON object {@code options} asks for: the names of the record's
   * components, durations as {@code "30s"}, statuses as a list of strings; the rest defaults.
   *
   * @throws IllegalArgumentException naming the option that is unknown or bad
   */
  public static OutlierEjection fromOptions(Map<String, ?> options) {
    Options.onlyKnown(OPTION, options, new LinkedHashSet<>(NAMES));
    Builder b = builder();
    options.forEach(
        (k, v) -> {
          switch (k) {
            case "consecutiveFailures" -> b.consecutiveFailures(Options.count(k, v));
            case "interval" -> b.interval(Options.duration(k, v));
            case "baseEjectionTime" -> b.baseEjectionTime(Options.duration(k, v));
            case "maxEjectionTime" -> b.maxEjectionTime(Options.duration(k, v));
            case "maxEjectionPercent" -> b.maxEjectionPercent(Options.count(k, v));
            case "failurePercentageThreshold" -> b.failurePercentageThreshold(Options.count(k, v));
            case "failurePercentageMinimumHosts" ->
                b.failurePercentageMinimumHosts(Options.count(k, v));
            case "failurePercentageRequestVolume" ->
                b.failurePercentageRequestVolume(Options.count(k, v));
            default -> b.failureStatuses(Options.strings(k, v));
          }
        });
    return b.build();
  }

  /** The JSON object {@link #fromOptions} reads back into this configuration. */
  public Map<String, Object> toOptions() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("consecutiveFailures", (double) consecutiveFailures);
    json.put("interval", Options.duration(interval));
    json.put("baseEjectionTime", Options.duration(baseEjectionTime));
    json.put("maxEjectionTime", Options.duration(maxEjectionTime));
    json.put("maxEjectionPercent", (double) maxEjectionPercent);
    json.put("failurePercentageThreshold", (double) failurePercentageThreshold);
    json.put("failurePercentageMinimumHosts", (double) failurePercentageMinimumHosts);
    json.put("failurePercentageRequestVolume", (double) failurePercentageRequestVolume);
    json.put("failureStatuses", List.copyOf(new java.util.TreeSet<>(failureStatuses)));
    return json;
  }

  /** Builds an {@link OutlierEjection}, starting from the defaults. */
  public static final class Builder {
    private int consecutiveFailures = 5;
    private Duration interval = Duration.ofSeconds(10);
    private Duration baseEjectionTime = Duration.ofSeconds(30);
    private Duration maxEjectionTime = Duration.ofSeconds(300);
    private int maxEjectionPercent = 10;
    private int failurePercentageThreshold = 85;
    private int failurePercentageMinimumHosts = 5;
    private int failurePercentageRequestVolume = 50;
    private Set<String> failureStatuses = DEFAULT_FAILURE_STATUSES;

    private Builder() {}

    /** Failures in a row that eject (default 5; 0: off). */
    public Builder consecutiveFailures(int n) {
      this.consecutiveFailures = n;
      return this;
    }

    /** The failure-percentage window (default 10 s). */
    public Builder interval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** A first ejection's length (default 30 s). */
    public Builder baseEjectionTime(Duration d) {
      this.baseEjectionTime = Objects.requireNonNull(d, "baseEjectionTime");
      return this;
    }

    /** The longest ejection (default 300 s). */
    public Builder maxEjectionTime(Duration d) {
      this.maxEjectionTime = Objects.requireNonNull(d, "maxEjectionTime");
      return this;
    }

    /** The share of endpoints out at once (default 10; at least one may always be). */
    public Builder maxEjectionPercent(int percent) {
      this.maxEjectionPercent = percent;
      return this;
    }

    /** The failed share of an interval's calls that ejects (default 85; 0: off). */
    public Builder failurePercentageThreshold(int percent) {
      this.failurePercentageThreshold = percent;
      return this;
    }

    /** Endpoints with enough volume for the percentage check (default 5). */
    public Builder failurePercentageMinimumHosts(int n) {
      this.failurePercentageMinimumHosts = n;
      return this;
    }

    /** Calls in an interval for an endpoint to be judged by percentage (default 50). */
    public Builder failurePercentageRequestVolume(int n) {
      this.failurePercentageRequestVolume = n;
      return this;
    }

    /** The statuses that count as failures (default {@link #DEFAULT_FAILURE_STATUSES}). */
    public Builder failureStatuses(Set<String> statuses) {
      this.failureStatuses = Set.copyOf(Objects.requireNonNull(statuses, "failureStatuses"));
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public OutlierEjection build() {
      return new OutlierEjection(
          consecutiveFailures,
          interval,
          baseEjectionTime,
          maxEjectionTime,
          maxEjectionPercent,
          failurePercentageThreshold,
          failurePercentageMinimumHosts,
          failurePercentageRequestVolume,
          failureStatuses);
    }
  }
}
