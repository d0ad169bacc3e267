package dev.discovery.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Slow start over any policy (Envoy's {@code slow_start_config}): an endpoint that joins after the
 * first snapshot gets a share of calls that ramps up over {@link #window()}, so a JVM that is still
 * warming is not hit with its full share at once. Endpoints present when the balancer (or gRPC
 * channel) starts are at full weight from the start.
 *
 * <p>An endpoint {@code t} into its window has weight {@code max(minWeightPercent / 100, (t /
 * window) ^ (1 / aggression))} relative to an endpoint at full weight (Envoy's formula): linear
 * with aggression 1; above 1 the weight rises fast at first, below 1 slowly at first. After the
 * window, 1. An endpoint that leaves and joins again warms again.
 *
 * @param window how long the ramp lasts, more than 0
 * @param aggression the curve's exponent's inverse, more than 0 (1: linear)
 * @param minWeightPercent the weight at the start of the window, in percent, 0..100
 * @since 0.2
 */
public record SlowStart(Duration window, double aggression, double minWeightPercent) {

  /** The option of {@link Policies#configure} that asks for slow start: a JSON object. */
  public static final String OPTION = "slowStart";

  /** Envoy's defaults: aggression 1.0 (linear), minimum weight 10 %. */
  public static final double DEFAULT_AGGRESSION = 1.0;

  /** The default weight at the start of the window, in percent. */
  public static final double DEFAULT_MIN_WEIGHT_PERCENT = 10.0;

  /** The default window, when the options name none: 30 s. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);

  public SlowStart {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "window: " + Options.duration(window) + " (expected: more than 0)");
    }
    if (!(aggression > 0) || Double.isInfinite(aggression)) {
      throw new IllegalArgumentException("aggression: " + aggression + " (expected: more than 0)");
    }
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new IllegalArgumentException(
          "minWeightPercent: " + minWeightPercent + " (expected: 0..100)");
    }
  }

  /** A linear ramp over {@code window}, from 10 %. */
  public static SlowStart of(Duration window) {
    return new SlowStart(window, DEFAULT_AGGRESSION, DEFAULT_MIN_WEIGHT_PERCENT);
  }

  /** This ramp with {@code aggression}. */
  public SlowStart withAggression(double aggression) {
    return new SlowStart(window, aggression, minWeightPercent);
  }

  /** This ramp starting from {@code minWeightPercent}. */
  public SlowStart withMinWeightPercent(double minWeightPercent) {
    return new SlowStart(window, aggression, minWeightPercent);
  }

  /** The weight, in (0, 1], of an endpoint {@code elapsedNanos} into its window. */
  public double weight(long elapsedNanos) {
    long w = window.toNanos();
    if (elapsedNanos >= w) {
      return 1.0;
    }
    double f = Math.max(0, elapsedNanos) / (double) w;
    double ramp = aggression == 1.0 ? f : Math.pow(f, 1.0 / aggression);
    return Math.max(minWeightPercent / 100.0, ramp);
  }

  /**
   * The ramp that the JSON object {@code options} asks for: {@code window} (default 30 s), {@code
   * aggression} (default 1.0), {@code minWeightPercent} (default 10).
   *
   * @throws IllegalArgumentException naming the option that is unknown or bad
   */
  public static SlowStart fromOptions(Map<String, ?> options) {
    Options.onlyKnown(OPTION, options, Set.of("window", "aggression", "minWeightPercent"));
    Object window = options.get("window");
    Object aggression = options.get("aggression");
    Object min = options.get("minWeightPercent");
    return new SlowStart(
        window == null ? DEFAULT_WINDOW : Options.duration("window", window),
        aggression == null ? DEFAULT_AGGRESSION : Options.number("aggression", aggression),
        min == null ? DEFAULT_MIN_WEIGHT_PERCENT : Options.number("minWeightPercent", min));
  }

  /** The JSON object {@link #fromOptions} reads back into this ramp. */
  public Map<String, Object> toOptions() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("window", Options.duration(window));
    json.put("aggression", aggression);
    json.put("minWeightPercent", minWeightPercent);
    return json;
  }
}
