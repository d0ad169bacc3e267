package dev.discovery.grpc.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.CallOutcome;
import dev.discovery.spi.PolicyContext.Ticker;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Call feedback from the calls themselves: a stream tracer factory per {@link Slot}, made once,
 * whose tracer tells the policy's {@link CallFeedback} when a stream starts on the slot's
 * subchannel and how it ends.
 *
 * <ul>
 *   <li>{@code onStart} when grpc creates the stream on the subchannel's transport; {@code onEnd}
 *       when the stream closes, with the {@link CallOutcome} of its status code (one shared
 *       constant per code: nothing is allocated to report it) and the latency between the two in
 *       the ticker's nanoseconds.
 *   <li>A stream that closes without having been created on a transport (the pick could not be
 *       used: the transport was shutting down, the call was cancelled first; grpc then picks again)
 *       is not reported at all: no start, no end. A stream the server refused (grpc retries it
 *       transparently on another pick) was created, so it is reported with its status, {@code
 *       UNAVAILABLE}.
 *   <li>A policy's callback that throws is ignored: it must not fail the call.
 * </ul>
 */
final class CallTracing extends ClientStreamTracer.Factory {
  private static final CallOutcome[] OUTCOMES = outcomes();

  private final Slot slot;
  private final CallFeedback feedback;
  private final Ticker ticker;

  CallTracing(Slot slot, CallFeedback feedback, Ticker ticker) {
    this.slot = slot;
    this.feedback = feedback;
    this.ticker = ticker;
  }

  private static CallOutcome[] outcomes() {
    Status.Code[] codes = Status.Code.values();
    CallOutcome[] outcomes = new CallOutcome[codes.length];
    for (Status.Code c : codes) {
      outcomes[c.value()] =
          switch (c) {
            case OK -> CallOutcome.SUCCESS;
            case CANCELLED -> CallOutcome.CANCELLED;
            default -> new CallOutcome(c.name(), false);
          };
    }
    return outcomes;
  }

  /** The shared outcome of {@code code}: its name, a success only if {@code OK}. */
  static CallOutcome outcome(Status.Code code) {
    return OUTCOMES[code.value()];
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(
      ClientStreamTracer.StreamInfo info, Metadata headers) {
    return new Tracer();
  }

  @Override
  public String toString() {
    return "CallTracing[" + slot + "]";
  }

  /** One stream's: created at most once, closed at most once (grpc's contract). */
  private final class Tracer extends ClientStreamTracer {
    private long startNanos; // written before started, read after it
    private volatile Endpoint started; // the endpoint reported to onStart, until onEnd

    @Override
    public void streamCreated(Attributes transportAttrs, Metadata headers) {
      Endpoint e = slot.endpoint;
      startNanos = ticker.nanos();
      started = e;
      try {
        feedback.onStart(e);
      } catch (RuntimeException ignored) {
        // the policy's defect must not fail the call
      }
    }

    @Override
    public void streamClosed(Status status) {
      Endpoint e = started;
      if (e == null) {
        return; // never created on a transport: nothing was started
      }
      started = null;
      long latency = ticker.nanos() - startNanos;
      try {
        feedback.onEnd(e, outcome(status.getCode()), latency);
      } catch (RuntimeException ignored) {
        // the policy's defect must not fail the call
      }
    }
  }
}
