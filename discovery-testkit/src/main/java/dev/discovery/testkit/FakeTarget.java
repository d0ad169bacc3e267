package dev.discovery.testkit;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.api.Target;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target of a {@link FakeResolver}: what its resolvers report is what the test publishes, and
 * it counts what the SDK asks of them.
 *
 * <p>Each published result goes to every open resolver of the target through the resolver's
 * serialized context (with a {@code FakeScheduler} that is at once, on the calling thread), and is
 * kept: a resolver that starts later gets it first. Snapshots built from bare endpoints carry the
 * source {@code fake}, the kind set by {@link #kind(ServiceKind)} (default {@link
 * ServiceKind#HEADLESS}) and the resolver's clock time. Thread-safe.
 *
 * @since 0.1
 */
public final class FakeTarget {
  /** The source of snapshots built from bare endpoints. */
  public static final Source SOURCE = Source.of("fake");

  private final Target target;
  private final Object lock = new Object();
  private final List<FakeResolverInstance> open = new ArrayList<>(); // guarded by lock
  private Publication last; // guarded by lock
  private ServiceKind kind = ServiceKind.HEADLESS; // guarded by lock
  private final AtomicInteger starts = new AtomicInteger();
  private final AtomicInteger refreshes = new AtomicInteger();
  private final AtomicInteger closes = new AtomicInteger();

  FakeTarget(Target target) {
    this.target = target;
  }

  /** The target. */
  public Target target() {
    return target;
  }

  /** The kind of Service that snapshots built by {@link #publish(Endpoint...)} report. */
  public FakeTarget kind(ServiceKind kind) {
    synchronized (lock) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }
    return this;
  }

  /** Reports these endpoints (in any order; none is an empty list, which is a result too). */
  public void publish(Endpoint... endpoints) {
    publish(List.of(endpoints));
  }

  /** Reports these endpoints. */
  public void publish(Collection<Endpoint> endpoints) {
    List<Endpoint> copy = List.copyOf(endpoints);
    synchronized (lock) {
      ServiceKind k = kind;
      deliver(
          clock ->
              new ResolutionResult.Resolved(
                  EndpointSet.builder(k, SOURCE).addAll(copy).resolvedAt(clock.instant()).build()));
    }
  }

  /** Reports {@code endpoints} exactly as given. */
  public void publish(EndpointSet endpoints) {
    ResolutionResult result =
        new ResolutionResult.Resolved(Objects.requireNonNull(endpoints, "endpoints"));
    synchronized (lock) {
      deliver(clock -> result);
    }
  }

  /** Reports a failure. */
  public void fail(ResolutionError error) {
    ResolutionResult result = new ResolutionResult.Failed(Objects.requireNonNull(error, "error"));
    synchronized (lock) {
      deliver(clock -> result);
    }
  }

  /** How many resolvers of this target were started. */
  public int starts() {
    return starts.get();
  }

  /** How many times the SDK called {@link Resolver#refresh()} on this target's resolvers. */
  public int refreshes() {
    return refreshes.get();
  }

  /** How many of this target's resolvers were closed. */
  public int closes() {
    return closes.get();
  }

  /** How many of this target's resolvers are started and not closed. */
  public int openResolvers() {
    synchronized (lock) {
      return open.size();
    }
  }

  @Override
  public String toString() {
    return "FakeTarget["
        + target
        + ", open="
        + openResolvers()
        + ", starts="
        + starts
        + ", refreshes="
        + refreshes
        + ", closes="
        + closes
        + "]";
  }

  Resolver newResolver(ResolverContext context) {
    return new FakeResolverInstance(context);
  }

  /** Under the lock: keeps {@code p} and sends it to every open resolver, in order. */
  private void deliver(Publication p) {
    last = p;
    for (FakeResolverInstance r : open) {
      r.send(p);
    }
  }

  /** A result made for one resolver (bare endpoints get that resolver's clock time). */
  @FunctionalInterface
  private interface Publication {
    ResolutionResult resultFor(java.time.Clock clock);
  }

  private final class FakeResolverInstance implements Resolver {
    private final ResolverContext context;
    private volatile Listener listener;
    private volatile boolean closed;

    FakeResolverInstance(ResolverContext context) {
      this.context = context;
    }

    @Override
    public void start(Listener listener) {
      Objects.requireNonNull(listener, "listener");
      synchronized (lock) {
        if (this.listener != null) {
          throw new IllegalStateException("resolver of " + target + ": started twice");
        }
        this.listener = listener;
        starts.incrementAndGet();
        open.add(this);
        if (last != null) {
          send(last);
        }
      }
    }

    void send(Publication p) {
      context
          .syncContext()
          .execute(
              () -> {
                Listener l = listener;
                if (!closed && l != null) {
                  l.onResult(p.resultFor(context.clock()));
                }
              });
    }

    @Override
    public void refresh() {
      if (!closed) {
        refreshes.incrementAndGet();
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        open.remove(this);
      }
      closes.incrementAndGet();
    }

    @Override
    public String toString() {
      return "FakeResolver[" + target + "]";
    }
  }
}
