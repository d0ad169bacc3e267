package dev.discovery.testkit.internal;

import dev.discovery.testkit.ExpiredStyle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults a test has injected into a fake API server, read by its request handling. The public
 * face is {@code dev.discovery.testkit.ApiFaults}. Thread-safe.
 */
public final class ApiFaultState {
  /** A refusal of {@code verb} on {@code resource}, in {@code namespace} or anywhere (null). */
  public record Forbidden(String verb, String resource, String namespace) {
    boolean covers(String verb, String resource, String namespace) {
      return this.verb.equals(verb)
          && this.resource.equals(resource)
          && (this.namespace == null || this.namespace.equals(namespace));
    }
  }

  private volatile ExpiredStyle expiredStyle = ExpiredStyle.IN_STREAM;
  private final Set<Forbidden> forbidden = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tooManyRequests = new AtomicInteger();
  private volatile Duration retryAfter = Duration.ofSeconds(1);
  private final AtomicInteger internalErrors = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;
  private final AtomicBoolean malformedEvent = new AtomicBoolean();
  private final AtomicInteger oversizedLists = new AtomicInteger();
  private volatile long oversizedListBytes;
  private final AtomicLong oversizedEvent = new AtomicLong();
  private final Object stallLock = new Object();
  private boolean stalled; // guarded by stallLock

  public ExpiredStyle expiredStyle() {
    return expiredStyle;
  }

  public void expiredStyle(ExpiredStyle style) {
    this.expiredStyle = style;
  }

  public void forbid(Forbidden f) {
    forbidden.add(f);
  }

  public boolean forbidden(String verb, String resource, String namespace) {
    for (Forbidden f : forbidden) {
      if (f.covers(verb, resource, namespace)) {
        return true;
      }
    }
    return false;
  }

  public void tooManyRequests(int times, Duration retryAfter) {
    this.retryAfter = retryAfter;
    tooManyRequests.set(times);
  }

  /** The Retry-After to answer with, if this request is to get a 429, else null. */
  public Duration takeTooManyRequests() {
    return takeOne(tooManyRequests) ? retryAfter : null;
  }

  public void internalErrors(int times) {
    internalErrors.set(times);
  }

  public boolean takeInternalError() {
    return takeOne(internalErrors);
  }

  private static boolean takeOne(AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  public Duration delay() {
    return delay;
  }

  public void delay(Duration delay) {
    this.delay = delay;
  }

  public void malformedEvent() {
    malformedEvent.set(true);
  }

  /** Whether the event about to be written is to be preceded by a malformed line (once). */
  public boolean takeMalformedEvent() {
    return malformedEvent.compareAndSet(true, false);
  }

  public void oversizedLists(int times, long bytes) {
    oversizedListBytes = bytes;
    oversizedLists.set(times);
  }

  /** How long the body of this list is to be, if it is to be oversized, else 0. */
  public long takeOversizedList() {
    return takeOne(oversizedLists) ? oversizedListBytes : 0;
  }

  public void oversizedEvent(long bytes) {
    oversizedEvent.set(bytes);
  }

  /** How long a line to write before the event about to be written (once), else 0. */
  public long takeOversizedEvent() {
    return oversizedEvent.getAndSet(0);
  }

  public void stall(boolean stall) {
    synchronized (stallLock) {
      stalled = stall;
      stallLock.notifyAll();
    }
  }

  /** Waits while streams are stalled, or until {@code done} says the stream ended. */
  public void awaitUnstalled(java.util.function.BooleanSupplier done) throws InterruptedException {
    synchronized (stallLock) {
      while (stalled && !done.getAsBoolean()) {
        stallLock.wait(50);
      }
    }
  }

  /** Clears every fault. */
  public void reset() {
    expiredStyle = ExpiredStyle.IN_STREAM;
    forbidden.clear();
    tooManyRequests.set(0);
    internalErrors.set(0);
    delay = Duration.ZERO;
    malformedEvent.set(false);
    oversizedLists.set(0);
    oversizedEvent.set(0);
    stall(false);
  }
}
