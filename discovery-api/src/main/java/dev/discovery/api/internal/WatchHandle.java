package dev.discovery.api.internal;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.PickCounter;
import dev.discovery.api.Policy;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Subscription;
import dev.discovery.api.Target;
import dev.discovery.api.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user's handle on a shared resolver; closing the last handle stops the resolver. */
final class WatchHandle implements ServiceWatch {
  private static final Logger log = LoggerFactory.getLogger(WatchHandle.class);

  private final SharedResolver shared;
  private final List<AutoCloseable> owned = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  WatchHandle(SharedResolver shared) {
    this.shared = shared;
  }

  /** The target's pick counters, or null when the discovery counts no picks. */
  PickCounts pickCounts() {
    return shared.picks();
  }

  @Override
  public PickCounter pickCounter(List<Endpoint> candidates) {
    Objects.requireNonNull(candidates, "candidates");
    PickCounts counts = shared.picks();
    return counts == null ? PickCounter.NONE : counts.table(candidates);
  }

  @Override
  public Target target() {
    return shared.target;
  }

  @Override
  public Optional<EndpointSet> current() {
    return Optional.ofNullable(shared.state().lastGood());
  }

  @Override
  public Optional<ResolutionError> lastError() {
    return Optional.ofNullable(shared.state().error());
  }

  @Override
  public Duration staleness() {
    return shared.staleness();
  }

  @Override
  public CompletionStage<EndpointSet> first() {
    return shared.first();
  }

  @Override
  public Subscription subscribe(WatchListener listener) {
    Objects.requireNonNull(listener, "listener");
    SharedResolver.Registration r;
    synchronized (this) {
      checkOpen();
      r = shared.subscribe(listener);
      Subscription s = () -> shared.unsubscribe(r);
      owned.add(s);
      return s;
    }
  }

  @Override
  public Balancer balancer(Policy factory) {
    Objects.requireNonNull(factory, "factory");
    synchronized (this) {
      checkOpen();
      DefaultBalancer b = new DefaultBalancer(shared.target, factory, shared.discovery(), this);
      owned.add(b);
      EndpointSet now = shared.state().lastGood();
      if (now != null) {
        b.update(now); // usable at once, not only after the watch's context runs
      }
      b.attach(subscribe(b));
      return b;
    }
  }

  @Override
  public void refresh() {
    shared.refresh();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("watch of " + shared.target + ": closed (expected: open)");
    }
  }

  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(owned);
      owned.clear();
    }
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("{} threw on close; {} closes anyway", c, this, e);
      }
    }
    shared.release();
  }

  @Override
  public String toString() {
    return "ServiceWatch[" + shared.target + "]";
  }
}
