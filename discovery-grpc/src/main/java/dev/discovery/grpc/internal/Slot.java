package dev.discovery.grpc.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.PolicyContext.Ticker;
import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One endpoint's subchannel, what a picker picks. Its {@link PickResult} is made once per policy
 * instance (with the instance's {@link CallTracing} when it wants call feedback), so a pick that
 * lands on a READY subchannel allocates nothing.
 *
 * <p>The load balancer writes the state in the synchronization context; pickers read it from any
 * thread.
 */
final class Slot {
  final InetSocketAddress id;
  final Subchannel subchannel;
  private final PickResult plain;

  /** What a pick of this slot returns: {@link #plain}, or with the policy's call tracing. */
  volatile PickResult result;

  private final SynchronizationContext syncContext;
  private final AtomicBoolean connectQueued = new AtomicBoolean();
  private final Runnable connect;

  /**
   * The endpoint as last resolved (attributes may change under one identity). Written in the sync
   * context, read by call tracing on any thread.
   */
  volatile Endpoint endpoint;

  /** The subchannel's last reported state. */
  volatile ConnectivityState state = ConnectivityState.IDLE;

  /**
   * Whether it failed and has not been READY since: it then counts as TRANSIENT_FAILURE while it
   * retries (CONNECTING, IDLE), so the channel's state does not flap. Sync context.
   */
  boolean failing;

  /** Whether it has been READY once: its connection is warm. Sync context. */
  boolean warm;

  /**
   * Set in the sync context when its endpoint leaves the resolution, before the new picker is
   * handed over; read by pickers that still hold an older table.
   */
  volatile boolean removed;

  /** Set once shut down. Sync context. */
  boolean shutdown;

  Slot(Endpoint endpoint, Subchannel subchannel, SynchronizationContext syncContext) {
    this.id = endpoint.address();
    this.endpoint = endpoint;
    this.subchannel = subchannel;
    this.plain = PickResult.withSubchannel(subchannel);
    this.result = plain;
    this.syncContext = syncContext;
    this.connect =
        () -> {
          connectQueued.set(false);
          if (!shutdown) {
            subchannel.requestConnection();
          }
        };
  }

  /**
   * Picks of this slot report calls to {@code feedback}, or to nobody if it is {@code null}. Sync
   * context.
   */
  void report(CallFeedback feedback, Ticker ticker) {
    result =
        feedback == null
            ? plain
            : PickResult.withSubchannel(subchannel, new CallTracing(this, feedback, ticker));
  }

  /** Whether a picker may send calls here: READY and not removed. */
  boolean isUsable() {
    return !removed && isReady();
  }

  boolean isReady() {
    return state == ConnectivityState.READY;
  }

  /**
   * From a picker on any thread: asks an IDLE subchannel to connect, in the synchronization
   * context. A subchannel that is connecting or backing off needs nothing.
   */
  void connectFromPicker() {
    if (state == ConnectivityState.IDLE && connectQueued.compareAndSet(false, true)) {
      syncContext.execute(connect);
    }
  }

  /** The state the channel's aggregate counts: TRANSIENT_FAILURE while failing. */
  ConnectivityState aggregateState() {
    ConnectivityState s = state;
    return failing && s != ConnectivityState.READY ? ConnectivityState.TRANSIENT_FAILURE : s;
  }

  void shutdown() {
    shutdown = true;
    subchannel.shutdown();
  }

  @Override
  public String toString() {
    return endpoint.hostPort() + " " + state + (failing ? " (failing)" : "");
  }
}
