package dev.discovery.api.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.api.Policy;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Power of d choices over in-flight calls (grpc's {@code least_request_experimental}, Envoy's
 * {@code LEAST_REQUEST} with equal weights): each pick samples {@code choiceCount} candidates at
 * random and takes the one with the fewest calls in flight; among equals, the first sampled, which
 * is itself random. Registered by {@link java.util.ServiceLoader} as {@code least_request}.
 *
 * <p>Counts live in the {@link PolicyInstance}, keyed by endpoint identity, across snapshots; each
 * picker holds them in an array aligned with its candidates, so a pick reads {@code choiceCount}
 * atomics and allocates nothing. The count of an endpoint that leaves the candidates is dropped
 * (calls still in flight to it end unheard); a count never goes below zero, so a call that ends
 * after its endpoint left and came back cannot make it negative.
 */
public final class LeastRequestPolicy implements Policy {
  public static final int DEFAULT_CHOICE_COUNT = 2;
  static final int MAX_CHOICE_COUNT = 10;
  public static final LeastRequestPolicy DEFAULT =
      new LeastRequestPolicy(DEFAULT_CHOICE_COUNT, null);

  private final int choiceCount;
  private final RandomGenerator generator; // null: ThreadLocalRandom

  /** For {@link java.util.ServiceLoader}: two choices, thread-local random source. */
  public LeastRequestPolicy() {
    this(DEFAULT_CHOICE_COUNT, null);
  }

  /**
   * @throws IllegalArgumentException if {@code choiceCount} is not in 2..10
   */
  public LeastRequestPolicy(int choiceCount, RandomGenerator generator) {
    if (choiceCount < 2 || choiceCount > MAX_CHOICE_COUNT) {
      throw new IllegalArgumentException(
          "choiceCount: " + choiceCount + " (expected: 2.." + MAX_CHOICE_COUNT + ")");
    }
    this.choiceCount = choiceCount;
    this.generator = generator;
  }

  public int choiceCount() {
    return choiceCount;
  }

  @Override
  public String name() {
    return "least_request";
  }

  /** Without an instance nothing is counted: fresh counters, so picks are uniform. */
  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    AtomicInteger[] counts = new AtomicInteger[candidates.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new AtomicInteger();
    }
    return new LeastRequestPicker<>(items(candidates), counts, choiceCount, generator);
  }

  @Override
  public <T> PolicyInstance<T> newInstance(PolicyContext context) {
    return new Instance<>();
  }

  @Override
  public Policy configure(Map<String, ?> options) {
    for (String k : options.keySet()) {
      if (!k.equals("choiceCount")) {
        throw new IllegalArgumentException(
            "option: \"" + k + "\" for policy least_request (expected: choiceCount)");
      }
    }
    Object v = options.get("choiceCount");
    if (v == null) {
      return this;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(
          "choiceCount: " + v + " (expected: a whole number 2.." + MAX_CHOICE_COUNT + ")");
    }
    return new LeastRequestPolicy(n.intValue(), generator);
  }

  static Object[] items(Candidates<?> candidates) {
    Object[] items = new Object[candidates.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = candidates.item(i);
    }
    return items;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeastRequestPolicy p
        && p.choiceCount == choiceCount
        && Objects.equals(p.generator, generator);
  }

  @Override
  public int hashCode() {
    return choiceCount * 31 + Objects.hashCode(generator);
  }

  @Override
  public String toString() {
    return "least_request(choiceCount=" + choiceCount + ")";
  }

  /** The in-flight counts of one consumer, by endpoint identity. */
  private final class Instance<T> implements PolicyInstance<T>, CallFeedback {
    private final Map<InetSocketAddress, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    @Override
    public Picker<T> newPicker(Candidates<T> candidates) {
      int n = candidates.size();
      AtomicInteger[] counts = new AtomicInteger[n];
      Set<InetSocketAddress> present = new HashSet<>();
      for (int i = 0; i < n; i++) {
        InetSocketAddress id = candidates.endpoint(i).address();
        present.add(id);
        counts[i] = inFlight.computeIfAbsent(id, k -> new AtomicInteger());
      }
      inFlight.keySet().retainAll(present);
      return new LeastRequestPicker<>(items(candidates), counts, choiceCount, generator);
    }

    @Override
    public CallFeedback feedback() {
      return this;
    }

    @Override
    public void onStart(Endpoint endpoint) {
      AtomicInteger c = inFlight.get(endpoint.address());
      if (c != null) {
        c.incrementAndGet();
      }
    }

    @Override
    public void onEnd(Endpoint endpoint, CallOutcome outcome, long latencyNanos) {
      AtomicInteger c = inFlight.get(endpoint.address());
      if (c != null) {
        c.getAndUpdate(v -> v > 0 ? v - 1 : 0);
      }
    }
  }

  /** Samples {@code choiceCount} candidates and takes the least loaded. */
  static final class LeastRequestPicker<T> implements Picker<T> {
    private final Object[] items;
    private final AtomicInteger[] counts;
    private final int choiceCount;
    private final RandomGenerator generator;

    LeastRequestPicker(
        Object[] items, AtomicInteger[] counts, int choiceCount, RandomGenerator generator) {
      this.items = items;
      this.counts = counts;
      this.choiceCount = choiceCount;
      this.generator = generator;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick() {
      int n = items.length;
      if (n == 1) {
        return (T) items[0];
      }
      RandomGenerator r = generator == null ? ThreadLocalRandom.current() : generator;
      int best = r.nextInt(n);
      int least = counts[best].get();
      for (int c = 1; c < choiceCount; c++) {
        int i = r.nextInt(n);
        int load = counts[i].get();
        if (load < least) {
          best = i;
          least = load;
        }
      }
      return (T) items[best];
    }

    @Override
    public T pick(CharSequence key) {
      return pick();
    }
  }
}
