package dev.discovery.grpc.internal;

import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Subscription;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import dev.discovery.grpc.DiscoveryGrpc;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.ChannelLogger.ChannelLogLevel;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A gRPC {@link NameResolver} that follows a {@link ServiceWatch}: every change the watch publishes
 * is handed to the channel at once, in the channel's {@link SynchronizationContext}; the channel's
 * {@link #refresh()} is only a hint passed on to the watch.
 *
 * <p>Each {@link EquivalentAddressGroup} is one eligible endpoint (the ready ones; when none is
 * ready, those serving while terminating, as for discovery's own balancers) and carries it as
 * {@link DiscoveryGrpc#ENDPOINT}. A failure before any success reaches the channel as an {@code
 * UNAVAILABLE} status naming the target and what failed; a failure after one keeps the last good
 * addresses in use (the watch keeps them) and is only logged to the channel logger.
 *
 * <p>Threading: grpc calls {@link #start}, {@link #refresh} and {@link #shutdown} in the
 * synchronization context; the watch's events are hopped into it, and all state below is touched
 * there only.
 */
final class DiscoveryNameResolver extends NameResolver {
  /** Why the address list is empty, on a result with no addresses. */
  static final Attributes.Key<String> EMPTY_REASON =
      Attributes.Key.create("dev.discovery.grpc.emptyReason");

  /** The snapshot's {@link EndpointSet#attributes()}, for policies ({@code Candidates}). */
  static final Attributes.Key<Map<String, String>> SET_ATTRIBUTES =
      Attributes.Key.create("dev.discovery.grpc.setAttributes");

  /** The discovery's {@link Discovery#observer()}, for the policies the load balancer runs. */
  static final Attributes.Key<DiscoveryObserver> OBSERVER =
      Attributes.Key.create("dev.discovery.grpc.observer");

  /**
   * The watch the addresses come from, for the load balancer's {@link ServiceWatch#pickCounter}.
   */
  static final Attributes.Key<ServiceWatch> WATCH =
      Attributes.Key.create("dev.discovery.grpc.watch");

  private final Target target;
  private final Discovery discovery;
  private final SynchronizationContext syncContext;
  private final ChannelLogger logger;
  private final String authority;

  private Listener2 listener;
  private ServiceWatch watch;
  private Subscription subscription;
  private boolean shutdown;

  DiscoveryNameResolver(
      Target target,
      Discovery discovery,
      SynchronizationContext syncContext,
      ChannelLogger logger) {
    this.target = Objects.requireNonNull(target, "target");
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.syncContext = Objects.requireNonNull(syncContext, "syncContext");
    this.logger = Objects.requireNonNull(logger, "logger");
    this.authority = authority(target);
  }

  /**
   * The Service's host as the target writes it ({@code web.shop}, {@code
   * web.shop.svc.cluster.local}), with the port when the target gives a number ({@code
   * web.shop:8080}; a port name is no part of an authority). For a static list, its first address.
   */
  static String authority(Target target) {
    return target.serviceAuthority();
  }

  @Override
  public String getServiceAuthority() {
    return authority;
  }

  @Override
  public void start(Listener2 listener) {
    if (this.listener != null) {
      throw new IllegalStateException("resolver of " + target + ": already started");
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    try {
      watch = discovery.watch(target);
    } catch (RuntimeException e) {
      listener.onResult2(
          error(
              Status.UNAVAILABLE.withDescription(
                  target + ": cannot watch with " + discovery + ": " + e.getMessage())));
      return;
    }
    subscription = watch.subscribe(event -> syncContext.execute(() -> onEvent(event)));
  }

  private void onEvent(WatchEvent event) {
    if (shutdown) {
      return;
    }
    if (event instanceof WatchEvent.Changed changed) {
      report(changed.current());
    } else if (event instanceof WatchEvent.Failed failed) {
      if (failed.lastGood() == null) {
        listener.onResult2(error(status(target, failed.error())));
      } else {
        logger.log(
            ChannelLogLevel.WARNING,
            "{0}; keeping the last good {1} endpoints, {2} old",
            status(target, failed.error()).getDescription(),
            failed.lastGood().size(),
            failed.staleness());
      }
    } else if (event instanceof WatchEvent.Recovered recovered) {
      logger.log(ChannelLogLevel.INFO, "{0}: resolution works again", target);
    }
  }

  private void report(EndpointSet set) {
    List<Endpoint> eligible = set.eligible();
    List<EquivalentAddressGroup> groups = new ArrayList<>(eligible.size());
    for (Endpoint e : eligible) {
      groups.add(
          new EquivalentAddressGroup(
              e.address(), Attributes.newBuilder().set(DiscoveryGrpc.ENDPOINT, e).build()));
    }
    Attributes.Builder attributes =
        Attributes.newBuilder()
            .set(SET_ATTRIBUTES, set.attributes())
            .set(OBSERVER, discovery.observer())
            .set(WATCH, watch);
    if (groups.isEmpty()) {
      attributes.set(EMPTY_REASON, emptyReason(target, set));
    }
    logger.log(ChannelLogLevel.DEBUG, "{0}: {1}", target, set.summary());
    Status accepted =
        listener.onResult2(
            ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(groups))
                .setAttributes(attributes.build())
                .build());
    if (!accepted.isOk()) {
      logger.log(
          ChannelLogLevel.WARNING,
          "{0}: the load balancer did not accept {1}: {2}",
          target,
          set.summary(),
          accepted);
    }
  }

  private static ResolutionResult error(Status status) {
    return ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromStatus(status)).build();
  }

  /** {@code UNAVAILABLE} with a description naming the target, the kind of failure and why. */
  static Status status(Target target, ResolutionError error) {
    return Status.UNAVAILABLE.withDescription(
        target
            + ": name resolution failed ("
            + error.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + "): "
            + error.message());
  }

  /** Why a snapshot leaves no endpoint to call. */
  static String emptyReason(Target target, EndpointSet set) {
    return set.isEmpty()
        ? target + ": the Service has no endpoints (" + set.summary() + ")"
        : target
            + ": none of "
            + set.size()
            + " endpoints is ready or serving while terminating ("
            + set.summary()
            + ")";
  }

  @Override
  public void refresh() {
    if (watch != null && !shutdown) {
      watch.refresh();
    }
  }

  @Override
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    if (subscription != null) {
      subscription.close();
    }
    if (watch != null) {
      watch.close();
    }
  }

  @Override
  public String toString() {
    return "DiscoveryNameResolver[" + target + " on " + discovery + "]";
  }
}
