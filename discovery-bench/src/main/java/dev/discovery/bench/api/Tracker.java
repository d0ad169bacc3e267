package dev.discovery.bench.api;

import java.time.Duration;

/**
 * Where a {@link Peer} hands each state it delivers (its ready endpoints), and how the driver waits
 * for an expected state: {@link #expect(int)} before a change, {@link #await(Duration)} after it.
 * The arrival time is taken with {@link System#nanoTime()} on the delivering thread, under this
 * object's lock, so it is the moment the peer's listener ran.
 */
public final class Tracker {
  private final String peer;
  private int expected = -1;
  private long arrival;
  private int last = -1;
  private String error;

  public Tracker(String peer) {
    this.peer = peer;
  }

  public String peer() {
    return peer;
  }

  /** A state the peer delivered: its ready endpoints. */
  public void deliver(int ready) {
    long now = System.nanoTime();
    synchronized (this) {
      last = ready;
      if (ready == expected && arrival == 0) {
        arrival = now;
        notifyAll();
      }
    }
  }

  /** A failure the peer reported (kept for the message if the expected state never comes). */
  public synchronized void error(String error) {
    this.error = error;
  }

  /** Waits for {@code ready} from now on. */
  public synchronized void expect(int ready) {
    expected = ready;
    arrival = 0;
  }

  /**
   * Waits until the expected state arrived and returns its {@link System#nanoTime()}.
   *
   * @throws IllegalStateException if it did not arrive within {@code bound}
   */
  public synchronized long await(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (arrival == 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            peer
                + ": "
                + expected
                + " ready endpoints not delivered within "
                + bound.toSeconds()
                + " s (last delivered: "
                + last
                + (error == null ? "" : "; last error: " + error)
                + ")");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return arrival;
  }
}
