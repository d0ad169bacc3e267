package dev.discovery.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault {@link FakeDnsServer} injects into its answers, for every name or for one ({@link
 * FakeDnsServer#inject(DnsFault)}, {@link FakeDnsServer#inject(String, DnsFault)}).
 *
 * <pre>{@code
 * dns.inject(DnsFault.servfail());                                  // every query, until cleared
 * dns.inject("web.shop.svc.cluster.local", DnsFault.drop().times(2)); // the next two queries of that name
 * dns.inject(DnsFault.delay(Duration.ofMillis(300)));
 * }</pre>
 *
 * @param kind what goes wrong
 * @param delay how long {@link Kind#DELAY} holds the answer back; zero for other kinds
 * @param times how many matching queries it affects; {@link Integer#MAX_VALUE} for all until
 *     cleared
 * @since 0.1
 */
public record DnsFault(Kind kind, Duration delay, int times) {

  /** What goes wrong. */
  public enum Kind {
    /** No answer at all (over TCP: the connection is closed without an answer). */
    DROP,
    /** The right answer, late. */
    DELAY,
    /** An answer with rcode SERVFAIL (CoreDNS answers so until it has synced with the API). */
    SERVFAIL,
    /** An answer with rcode REFUSED. */
    REFUSED,
    /**
     * Over UDP: an empty answer with the TC bit, so the client must retry over TCP. Over TCP the
     * answer is the right one.
     */
    TRUNCATE,
    /** Bytes that are not a DNS message: the right answer cut short inside its last record. */
    MALFORMED,
    /** The right answer with another message id, which a client must ignore. */
    WRONG_ID
  }

  /**
   * @throws IllegalArgumentException if the delay is negative or times is not positive
   */
  public DnsFault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    if (times < 1) {
      throw new IllegalArgumentException("times: " + times + " (expected: >= 1)");
    }
  }

  /** Answers nothing. */
  public static DnsFault drop() {
    return of(Kind.DROP);
  }

  /** Answers right, {@code delay} late. */
  public static DnsFault delay(Duration delay) {
    return new DnsFault(Kind.DELAY, delay, Integer.MAX_VALUE);
  }

  /** Answers SERVFAIL. */
  public static DnsFault servfail() {
    return of(Kind.SERVFAIL);
  }

  /** Answers REFUSED. */
  public static DnsFault refused() {
    return of(Kind.REFUSED);
  }

  /** Answers over UDP with an empty truncated (TC) message. */
  public static DnsFault truncate() {
    return of(Kind.TRUNCATE);
  }

  /** Answers with bytes that do not parse. */
  public static DnsFault malformed() {
    return of(Kind.MALFORMED);
  }

  /** Answers with another message id. */
  public static DnsFault wrongId() {
    return of(Kind.WRONG_ID);
  }

  private static DnsFault of(Kind kind) {
    return new DnsFault(kind, Duration.ZERO, Integer.MAX_VALUE);
  }

  /** This fault for the next {@code n} matching queries only. */
  public DnsFault times(int n) {
    return new DnsFault(kind, delay, n);
  }

  @Override
  public String toString() {
    return kind
        + (kind == Kind.DELAY ? " " + delay.toMillis() + "ms" : "")
        + (times == Integer.MAX_VALUE ? "" : " x" + times);
  }
}
