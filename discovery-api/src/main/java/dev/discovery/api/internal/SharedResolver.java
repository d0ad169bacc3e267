package dev.discovery.api.internal;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ResolutionException;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import dev.discovery.api.WatchListener;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.spi.Resolvers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resolver for one target, shared by every watch of it. Owns the serialized context in which
 * the resolver is called, results are compared and listeners are told. Closing runs the resolver's
 * close as the context's last task; what is submitted later (a late answer of the closed resolver)
 * is dropped.
 */
final class SharedResolver implements Resolver.Listener {
  private static final Logger log = LoggerFactory.getLogger(SharedResolver.class);

  final Target target;
  int references; // guarded by the discovery's lock

  private final DefaultDiscovery discovery;
  private final SerialExecutor context;
  private final Instant started;
  private final CopyOnWriteArrayList<Registration> listeners = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<dev.discovery.api.EndpointSet>> waiters =
      new ArrayList<>(); // context only
  private volatile State state;
  private final AtomicReference<ResolutionError> closedWith = new AtomicReference<>();
  private Resolver resolver; // context only
  private long revision; // context only

  /** What the watch knows, swapped whole. */
  record State(EndpointSet lastGood, ResolutionError error, Instant lastSuccess) {}

  SharedResolver(DefaultDiscovery discovery, Target target) {
    this.discovery = discovery;
    this.target = target;
    this.context = new SerialExecutor(discovery.scheduler, target.toString());
    this.started = discovery.clock.instant();
    this.state = new State(null, null, null);
  }

  void start() {
    context.execute(
        () -> {
          resolver = newResolver();
          try {
            resolver.start(this);
          } catch (RuntimeException e) {
            log.warn("Resolver for {} threw on start", target, e);
            handle(
                new ResolutionResult.Failed(
                    ResolutionError.unavailable(
                        "resolver for " + target + " failed to start: " + e)));
          }
        });
  }

  private Resolver newResolver() {
    ResolverRegistry registry = discovery.registry;
    Optional<ResolverProvider> provider = registry.provider(target.scheme());
    if (provider.isEmpty()) {
      return Resolvers.failing(Resolvers.noResolver(target.scheme(), registry));
    }
    try {
      return provider.get().newResolver(target, new Context());
    } catch (RuntimeException e) {
      log.warn("Provider {} threw for {}", provider.get().getClass().getName(), target, e);
      return Resolvers.failing(
          ResolutionError.misconfigured(
              "resolver for " + target + " could not be created: " + e.getMessage()));
    }
  }

  @Override
  public void onResult(ResolutionResult result) {
    context.execute(() -> handle(result));
  }

  private void handle(ResolutionResult result) {
    Instant now = discovery.clock.instant();
    State before = state;
    if (result instanceof ResolutionResult.Resolved resolved) {
      EndpointSet set = resolved.endpoints();
      if (set.isChangeFrom(before.lastGood)) {
        EndpointSet published = set.withRevision(++revision);
        // Listeners (balancers among them) first, then current(): once a thread sees a snapshot in
        // current(), every balancer of the watch already picks from it.
        notifyAll(new WatchEvent.Changed(target, before.lastGood, published));
        state = new State(published, null, now);
        completeWaiters(published);
      } else {
        state = new State(before.lastGood, null, now);
        if (before.error != null) {
          notifyAll(new WatchEvent.Recovered(target, before.lastGood));
        }
      }
    } else if (result instanceof ResolutionResult.Failed failed) {
      ResolutionError error = failed.error();
      if (!error.equals(before.error)) {
        log.debug("Resolution of {} failed: {}", target, error);
        notifyAll(new WatchEvent.Failed(target, error, before.lastGood, staleness(now)));
      }
      state = new State(before.lastGood, error, before.lastSuccess);
      if (before.lastGood == null) {
        failWaiters(error);
      }
    }
  }

  private void completeWaiters(EndpointSet set) {
    List<CompletableFuture<EndpointSet>> ready = new ArrayList<>(waiters);
    waiters.clear();
    ready.forEach(f -> f.complete(set));
  }

  private void failWaiters(ResolutionError error) {
    List<CompletableFuture<EndpointSet>> failed = new ArrayList<>(waiters);
    waiters.clear();
    failed.forEach(f -> f.completeExceptionally(new ResolutionException(error)));
  }

  private void notifyAll(WatchEvent event) {
    for (Registration r : listeners) {
      r.deliver(event);
    }
  }

  State state() {
    return state;
  }

  Clock clock() {
    return discovery.clock;
  }

  DefaultDiscovery discovery() {
    return discovery;
  }

  void release() {
    discovery.release(this);
  }

  Duration staleness() {
    return staleness(discovery.clock.instant());
  }

  private Duration staleness(Instant now) {
    Instant since = state.lastSuccess != null ? state.lastSuccess : started;
    Duration d = Duration.between(since, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  CompletableFuture<EndpointSet> first() {
    EndpointSet now = state.lastGood;
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<EndpointSet> f = new CompletableFuture<>();
    boolean queued =
        context.tryExecute(
            () -> {
              State s = state;
              if (s.lastGood != null) {
                f.complete(s.lastGood);
              } else if (s.error != null) {
                f.completeExceptionally(new ResolutionException(s.error));
              } else {
                waiters.add(f); // the close, which runs after this, fails them
              }
            });
    if (!queued) {
      f.completeExceptionally(new ResolutionException(closedWith.get()));
    }
    return f;
  }

  Registration subscribe(WatchListener listener) {
    Registration r = new Registration(listener);
    context.execute(
        () -> {
          if (r.cancelled) {
            return;
          }
          listeners.add(r);
          State s = state;
          if (s.lastGood != null) {
            r.deliver(new WatchEvent.Changed(target, null, s.lastGood));
          }
          if (s.error != null) {
            r.deliver(new WatchEvent.Failed(target, s.error, s.lastGood, staleness()));
          }
        });
    return r;
  }

  void unsubscribe(Registration r) {
    r.cancelled = true;
    listeners.remove(r);
  }

  void refresh() {
    context.execute(
        () -> {
          if (resolver != null) {
            try {
              resolver.refresh();
            } catch (RuntimeException e) {
              log.warn("Resolver for {} threw on refresh", target, e);
            }
          }
        });
  }

  /**
   * Closes the resolver and fails pending {@link #first()} calls with {@code why}, then runs {@code
   * then}; later tasks of this context are dropped. Before it returns, unless called from this
   * context's own task (a listener's), when it runs right after that task. Only the first call
   * closes; a later one runs {@code then} at once.
   */
  void close(ResolutionError why, Runnable then) {
    if (!closedWith.compareAndSet(null, why)) {
      then.run();
      return;
    }
    context.shutdown(
        () -> {
          try {
            listeners.clear();
            failWaiters(why);
            if (resolver != null) {
              resolver.close();
            }
          } catch (RuntimeException e) {
            log.warn("Resolver for {} threw on close", target, e);
          } finally {
            then.run();
          }
        });
  }

  /** A listener and whether it was unsubscribed. */
  final class Registration {
    private final WatchListener listener;
    private volatile boolean cancelled;

    Registration(WatchListener listener) {
      this.listener = listener;
    }

    void deliver(WatchEvent event) {
      if (cancelled) {
        return;
      }
      try {
        listener.onEvent(event);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        log.warn(
            "Listener {} of {} threw on {}; other listeners are not affected",
            listener,
            target,
            event.getClass().getSimpleName(),
            e);
      }
    }
  }

  /** The context a resolver of this target sees. */
  private final class Context implements ResolverContext {
    @Override
    public Clock clock() {
      return discovery.clock;
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return discovery.scheduler;
    }

    @Override
    public Executor blockingExecutor() {
      return discovery.blockingExecutor;
    }

    @Override
    public Executor syncContext() {
      return context;
    }

    @Override
    public Environment environment() {
      return discovery.environment;
    }

    @Override
    public ResolverRegistry registry() {
      return discovery.registry;
    }
  }
}
