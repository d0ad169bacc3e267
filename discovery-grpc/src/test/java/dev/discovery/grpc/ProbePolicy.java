package dev.discovery.grpc;

import dev.discovery.api.Endpoint;
import dev.discovery.api.Policy;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A policy of this module's tests (declared in its test resources) that wants call feedback: it
 * counts each endpoint's starts, ends and outcomes, and takes an endpoint whose call ended {@code
 * UNAVAILABLE} out of rotation (through {@link PolicyContext#refresh()}, from the calling thread)
 * until the test readmits it. Picks at random among the others. The last instance made is {@link
 * #last()}.
 */
public final class ProbePolicy implements Policy {
  private static volatile Probe last;

  static Probe last() {
    return last;
  }

  @Override
  public String name() {
    return "feedback-probe";
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    return random(candidates, Set.of());
  }

  @Override
  public <T> PolicyInstance<T> newInstance(PolicyContext context) {
    Probe probe = new Probe(context);
    last = probe;
    return new PolicyInstance<>() {
      @Override
      public Picker<T> newPicker(Candidates<T> candidates) {
        probe.pickers.incrementAndGet();
        return random(candidates, probe.ejected.keySet());
      }

      @Override
      public CallFeedback feedback() {
        return probe;
      }
    };
  }

  private static <T> Picker<T> random(Candidates<T> candidates, Set<InetSocketAddress> out) {
    List<T> in = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      if (!out.contains(candidates.endpoint(i).address())) {
        in.add(candidates.item(i));
      }
    }
    if (in.isEmpty()) {
      for (int i = 0; i < candidates.size(); i++) {
        in.add(candidates.item(i));
      }
    }
    List<T> items = List.copyOf(in);
    return new Picker<>() {
      @Override
      public T pick() {
        return items.get(ThreadLocalRandom.current().nextInt(items.size()));
      }

      @Override
      public T pick(CharSequence key) {
        return pick();
      }
    };
  }

  /** One instance's feedback, as counted. */
  static final class Probe implements CallFeedback {
    final PolicyContext context;
    final Map<InetSocketAddress, AtomicInteger> starts = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final Map<InetSocketAddress, Boolean> ejected = new ConcurrentHashMap<>();
    final AtomicInteger ends = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger ejections = new AtomicInteger();
    final AtomicInteger pickers = new AtomicInteger();
    final AtomicLong latencyNanos = new AtomicLong();

    Probe(PolicyContext context) {
      this.context = context;
    }

    @Override
    public void onStart(Endpoint endpoint) {
      inFlight.incrementAndGet();
      starts.computeIfAbsent(endpoint.address(), a -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onEnd(Endpoint endpoint, CallOutcome outcome, long latency) {
      inFlight.decrementAndGet();
      ends.incrementAndGet();
      latencyNanos.addAndGet(latency);
      outcomes.computeIfAbsent(outcome.status(), s -> new AtomicInteger()).incrementAndGet();
      if (outcome.status().equals("UNAVAILABLE")
          && ejected.putIfAbsent(endpoint.address(), Boolean.TRUE) == null) {
        ejections.incrementAndGet();
        context.refresh().run();
      }
    }

    /** Every ejected endpoint returns to rotation. */
    void readmitAll() {
      ejected.clear();
      context.refresh().run();
    }

    int starts() {
      return starts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int outcome(String status) {
      AtomicInteger n = outcomes.get(status);
      return n == null ? 0 : n.get();
    }
  }
}
