package dev.discovery.api.internal;

import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.Environment;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link Discovery} implementation: one shared resolver per target, reference-counted. */
public final class DefaultDiscovery implements Discovery {
  final Clock clock;
  final ScheduledExecutorService scheduler;
  final Executor blockingExecutor;
  final Environment environment;
  final ResolverRegistry registry;
  final PolicyContext.Ticker ticker;
  final DiscoveryObserver observer = DiscoveryObserver.NONE;
  private final List<ExecutorService> owned;

  private final Object lock = new Object();
  private final Map<Target, SharedResolver> shared = new HashMap<>(); // guarded by lock
  private boolean closed; // guarded by lock

  private DefaultDiscovery(DefaultBuilder b) {
    List<ExecutorService> owned = new ArrayList<>();
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.ticker = b.ticker != null ? b.ticker : PolicyContext.Ticker.SYSTEM;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
    } else {
      var s = DiscoveryThreads.scheduler();
      owned.add(s);
      this.scheduler = s;
    }
    if (b.blockingExecutor != null) {
      this.blockingExecutor = b.blockingExecutor;
    } else {
      var e = DiscoveryThreads.blocking();
      owned.add(e);
      this.blockingExecutor = e;
    }
    this.owned = List.copyOf(owned);
    this.environment = b.environment != null ? b.environment : Environment.system();
    ResolverRegistry r = b.registry != null ? b.registry : ResolverRegistry.defaultRegistry();
    for (int i = b.providers.size() - 1; i >= 0; i--) {
      r = r.with(b.providers.get(i));
    }
    this.registry = r;
  }

  @Override
  public ServiceWatch watch(String target) {
    return watch(registry.parse(Objects.requireNonNull(target, "target")));
  }

  @Override
  public ServiceWatch watch(Target target) {
    Objects.requireNonNull(target, "target");
    SharedResolver resolver;
    boolean created = false;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("discovery: closed (expected: watch before close())");
      }
      resolver = shared.get(target);
      if (resolver == null) {
        resolver = new SharedResolver(this, target);
        shared.put(target, resolver);
        created = true;
      }
      resolver.references++;
    }
    if (created) {
      resolver.start();
    }
    return new WatchHandle(resolver);
  }

  void release(SharedResolver resolver) {
    boolean last;
    synchronized (lock) {
      last = --resolver.references == 0;
      if (last) {
        shared.remove(resolver.target, resolver);
      }
    }
    if (last) {
      resolver.close(
          ResolutionError.unavailable("watch of " + resolver.target + " is closed"), () -> {});
    }
  }

  /** How many resolvers run now (one per watched target). */
  public int activeResolvers() {
    synchronized (lock) {
      return shared.size();
    }
  }

  @Override
  public ResolverRegistry registry() {
    return registry;
  }

  @Override
  public DiscoveryObserver observer() {
    return observer;
  }

  @Override
  public void close() {
    List<SharedResolver> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(shared.values());
      shared.clear();
    }
    // The resolvers first, then the executors that run their close (grpc-java's order of
    // teardown): each close runs before this returns, unless called from a listener of that watch,
    // when it runs right after the listener; the last close to run stops the executors.
    AtomicInteger pending = new AtomicInteger(all.size() + 1);
    Runnable oneClosed =
        () -> {
          if (pending.decrementAndGet() == 0) {
            owned.forEach(ExecutorService::shutdownNow);
          }
        };
    for (SharedResolver r : all) {
      r.close(
          ResolutionError.unavailable("watch of " + r.target + " ended: its Discovery was closed"),
          oneClosed);
    }
    oneClosed.run();
  }

  /** The builder behind {@link Discovery#builder()}. */
  public static final class DefaultBuilder implements Discovery.Builder {
    private Clock clock;
    private PolicyContext.Ticker ticker;
    private ScheduledExecutorService scheduler;
    private Executor blockingExecutor;
    private ResolverRegistry registry;
    private final List<ResolverProvider> providers = new ArrayList<>();
    private Environment environment;

    @Override
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    @Override
    public Builder ticker(PolicyContext.Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    @Override
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    @Override
    public Builder blockingExecutor(Executor executor) {
      this.blockingExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    @Override
    public Builder registry(ResolverRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    @Override
    public Builder provider(ResolverProvider provider) {
      providers.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    @Override
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    @Override
    public Discovery build() {
      return new DefaultDiscovery(this);
    }
  }
}
