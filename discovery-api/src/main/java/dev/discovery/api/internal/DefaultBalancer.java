package dev.discovery.api.internal;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.NoEndpointAvailableException;
import dev.discovery.api.Policy;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.Subscription;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import dev.discovery.api.WatchListener;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Balancer} following a watch: an immutable {@link State} per snapshot, swapped through
 * one volatile field. Picks read it once and never lock.
 */
final class DefaultBalancer implements Balancer, WatchListener {
  private static final Logger log = LoggerFactory.getLogger(DefaultBalancer.class);

  private final Target target;
  private final Policy policy;
  private final PolicyInstance<Endpoint> instance;
  private final CallFeedback feedback; // null: the policy wants none
  private final PolicyContext.Ticker ticker;
  private final WatchHandle watch;
  private volatile State state;
  private volatile Subscription subscription;
  private long appliedRevision = -1; // guarded by this

  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private EndpointSet applied; // guarded by this

  DefaultBalancer(Target target, Policy policy, DefaultDiscovery discovery, WatchHandle watch) {
    this.target = target;
    this.policy = policy;
    this.watch = watch;
    this.scheduler = discovery.scheduler;
    this.instance =
        policy.newInstance(
            new PolicyContext(
                discovery.clock,
                discovery.ticker,
                target.toString(),
                discovery.scheduler,
                this::refresh,
                discovery.observer));
    this.feedback = instance.feedback();
    this.ticker = discovery.ticker;
    this.state = State.unavailable("no endpoints for " + target + " yet: resolution pending");
  }

  /**
   * The policy asked for a new picker over the same snapshot (its state changed between snapshots):
   * built soon on the scheduler, once for any number of requests meanwhile.
   */
  private void refresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(
            () -> {
              refreshQueued.set(false);
              rebuild();
            });
      } catch (RejectedExecutionException e) {
        refreshQueued.set(false); // the discovery is closing: the last picker stays
      }
    }
  }

  private synchronized void rebuild() {
    if (applied != null) {
      build(applied);
    }
  }

  void attach(Subscription subscription) {
    this.subscription = subscription;
  }

  @Override
  public void onEvent(WatchEvent event) {
    if (event instanceof WatchEvent.Changed changed) {
      update(changed.current());
    } else if (event instanceof WatchEvent.Failed failed) {
      synchronized (this) {
        if (state.picker() == null) {
          state = State.unavailable(reason(failed.lastGood(), failed.error()));
        }
      }
    }
  }

  /**
   * Builds the picker for {@code set} unless a newer or the same revision is already applied (the
   * balancer is primed from the caller's thread, then hears the watch's replay of the same
   * snapshot).
   */
  synchronized void update(EndpointSet set) {
    if (set.revision() <= appliedRevision) {
      return;
    }
    appliedRevision = set.revision();
    applied = set;
    build(set);
  }

  private void build(EndpointSet set) {
    List<Endpoint> eligible = set.eligible();
    if (eligible.isEmpty()) {
      state = State.unavailable(reason(set, watch.lastError().orElse(null)));
      return;
    }
    try {
      Picker<Endpoint> picker =
          instance.newPicker(Candidates.of(eligible, eligible, set.attributes()));
      state = new State(picker, null);
    } catch (RuntimeException e) {
      log.error(
          "Policy {} failed to build a picker for {} ({}); keeping the previous one",
          policy.name(),
          target,
          set.summary(),
          e);
    }
  }

  private String reason(EndpointSet set, ResolutionError error) {
    String why;
    if (set == null) {
      why = "no endpoints for " + target + " yet";
    } else if (set.isEmpty()) {
      why = "no endpoints for " + target + ": the Service has none (" + set.summary() + ")";
    } else {
      why =
          "no endpoints for "
              + target
              + ": "
              + set.size()
              + " endpoints, none ready and none serving while terminating";
    }
    return error == null ? why : why + "; last error: " + error.message();
  }

  @Override
  public Endpoint pick() {
    State s = state;
    Picker<Endpoint> p = s.picker();
    if (p == null) {
      throw new NoEndpointAvailableException(s.reason());
    }
    return p.pick();
  }

  @Override
  public Endpoint pick(CharSequence key) {
    State s = state;
    Picker<Endpoint> p = s.picker();
    if (p == null) {
      throw new NoEndpointAvailableException(s.reason());
    }
    return p.pick(key);
  }

  @Override
  public Call start() {
    return BalancerCall.start(pick(), feedback, ticker);
  }

  @Override
  public Call start(CharSequence key) {
    return BalancerCall.start(pick(key), feedback, ticker);
  }

  @Override
  public Policy policy() {
    return policy;
  }

  @Override
  public void close() {
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "Balancer[" + policy + " over " + target + "]";
  }

  /** One snapshot's picker; or, with no picker, why there is none. */
  record State(Picker<Endpoint> picker, String reason) {
    static State unavailable(String reason) {
      return new State(null, reason);
    }
  }
}
