package dev.discovery.grpc;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ResolutionResult;
import dev.discovery.api.Resolver;
import dev.discovery.api.ResolverContext;
import dev.discovery.api.ResolverProvider;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.api.Target;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code fake} scheme provider whose results the test publishes (to every resolver of every
 * target), counting what the SDK asks of it. The last result is kept for resolvers that start
 * later.
 */
public final class ScriptedResolverProvider implements ResolverProvider {
  private final List<Scripted> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger refreshes = new AtomicInteger();
  private volatile ResolutionResult last;

  @Override
  public String scheme() {
    return Target.FAKE;
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    created.incrementAndGet();
    return new Scripted(context);
  }

  /** Publishes ready endpoints at these addresses. */
  public void publish(Collection<InetSocketAddress> addresses) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (InetSocketAddress a : addresses) {
      endpoints.add(Endpoint.of(a.getAddress(), a.getPort()));
    }
    publishEndpoints(endpoints);
  }

  public void publishEndpoints(Collection<Endpoint> endpoints) {
    deliver(
        ResolutionResult.of(
            EndpointSet.builder(ServiceKind.HEADLESS, Source.of("scripted"))
                .addAll(endpoints)
                .build()));
  }

  public void fail(ResolutionError error) {
    deliver(ResolutionResult.of(error));
  }

  private void deliver(ResolutionResult result) {
    last = result;
    for (Scripted r : open) {
      r.deliver(result);
    }
  }

  /** Resolvers created so far. */
  public int created() {
    return created.get();
  }

  /** Resolvers started and not closed. */
  public int open() {
    return open.size();
  }

  /** Calls to {@link Resolver#refresh()} so far. */
  public int refreshes() {
    return refreshes.get();
  }

  private final class Scripted implements Resolver {
    private final ResolverContext context;
    private volatile Listener listener;

    Scripted(ResolverContext context) {
      this.context = context;
    }

    void deliver(ResolutionResult result) {
      Listener l = listener;
      if (l != null) {
        context.syncContext().execute(() -> l.onResult(result));
      }
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
      open.add(this);
      ResolutionResult r = last;
      if (r != null) {
        deliver(r);
      }
    }

    @Override
    public void refresh() {
      refreshes.incrementAndGet();
    }

    @Override
    public void close() {
      listener = null;
      open.remove(this);
    }
  }
}
