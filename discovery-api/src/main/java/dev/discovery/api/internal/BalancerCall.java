package dev.discovery.api.internal;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.PolicyContext;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call started by {@link Balancer#start()}: reports its end once to the policy's {@link
 * CallFeedback}, with the latency from the host's ticker. The first report wins; later ones (and a
 * {@code close()} after an outcome) are ignored.
 */
final class BalancerCall implements Balancer.Call {
  private static final Logger log = LoggerFactory.getLogger(BalancerCall.class);
  private static final AtomicIntegerFieldUpdater<BalancerCall> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(BalancerCall.class, "ended");

  private final Endpoint endpoint;
  private final CallFeedback feedback; // null: the policy wants none
  private final PolicyContext.Ticker ticker;
  private final long startNanos;
  private volatile int ended;

  private BalancerCall(
      Endpoint endpoint, CallFeedback feedback, PolicyContext.Ticker ticker, long startNanos) {
    this.endpoint = endpoint;
    this.feedback = feedback;
    this.ticker = ticker;
    this.startNanos = startNanos;
  }

  /** A call to {@code endpoint}, reported as started to {@code feedback} (when not null). */
  static BalancerCall start(Endpoint endpoint, CallFeedback feedback, PolicyContext.Ticker ticker) {
    if (feedback == null) {
      return new BalancerCall(endpoint, null, ticker, 0);
    }
    try {
      feedback.onStart(endpoint);
    } catch (RuntimeException e) {
      log.warn("Call feedback failed on the start of a call to {}", endpoint.hostPort(), e);
    }
    return new BalancerCall(endpoint, feedback, ticker, ticker.nanos());
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void succeeded() {
    end(CallOutcome.SUCCESS);
  }

  @Override
  public void failed() {
    end(CallOutcome.FAILURE);
  }

  @Override
  public void failed(String status) {
    Objects.requireNonNull(status, "status");
    if (feedback != null && ended == 0) {
      end(
          status.equals(CallOutcome.FAILURE.status())
              ? CallOutcome.FAILURE
              : status.equals(CallOutcome.CANCELLED.status())
                  ? CallOutcome.CANCELLED
                  : new CallOutcome(status, false));
    }
  }

  @Override
  public void close() {
    end(CallOutcome.CANCELLED);
  }

  private void end(CallOutcome outcome) {
    if (feedback == null || !ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    try {
      feedback.onEnd(endpoint, outcome, Math.max(0, ticker.nanos() - startNanos));
    } catch (RuntimeException e) {
      log.warn("Call feedback failed on the end of a call to {}", endpoint.hostPort(), e);
    }
  }

  @Override
  public String toString() {
    return "Call[" + endpoint.hostPort() + (ended != 0 ? ", ended]" : "]");
  }
}
