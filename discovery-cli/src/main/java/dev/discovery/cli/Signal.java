package dev.discovery.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Something happened (a watch event, a timer scheduled): wakes whoever waits for a condition. A
 * waiter re-checks its condition on each signal, within a bound; nobody sleeps to synchronise.
 */
final class Signal {
  /** A condition that did not come true in time. */
  static final class NotMet extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotMet(String message) {
      super(message, null, false, false);
    }
  }

  private long version; // guarded by this

  /** Wakes the waiters. */
  synchronized void fire() {
    version++;
    notifyAll();
  }

  /**
   * Waits until {@code condition} has a value, re-checking it on each {@link #fire()}.
   *
   * @param what what is awaited, for the timeout message
   * @throws NotMet if it has none after {@code timeout}; the message says what was awaited and what
   *     {@code state} says now
   */
  synchronized <T> T await(
      Supplier<Optional<T>> condition, Duration timeout, String what, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = condition.get();
      if (v.isPresent()) {
        return v.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new NotMet(
            what
                + " did not happen within "
                + Durations.format(timeout)
                + " ("
                + state.get()
                + ")");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
