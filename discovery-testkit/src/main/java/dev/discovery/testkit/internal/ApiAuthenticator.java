package dev.discovery.testkit.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a fake API server's request comes from: a bearer token it accepts (the current one, or the
 * one before a rotation until its grace ends), or a client certificate its CA signed. Thread-safe.
 */
public final class ApiAuthenticator {
  /** The user a bearer token authenticates as. */
  public static final String TOKEN_USER = "system:serviceaccount:default:discovery-test";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private volatile boolean rejectCertificates;
  private volatile String token;
  private volatile String previous;
  private volatile Instant previousUntil = Instant.MIN;

  public ApiAuthenticator(String token, Clock clock) {
    this.token = token == null ? newToken() : token;
    this.clock = clock;
  }

  /** A random token. */
  public static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The token accepted now. */
  public String token() {
    return token;
  }

  /** Accepts a new token; the current one stays accepted for {@code grace}. */
  public synchronized String rotate(Duration grace) {
    previous = token;
    previousUntil = clock.instant().plus(grace);
    token = newToken();
    return token;
  }

  /** Answers 401 for {@code token} from now on. */
  public void refuse(String token) {
    refused.add(token);
  }

  public void rejectCertificates(boolean reject) {
    this.rejectCertificates = reject;
  }

  /** The user {@code token} authenticates, or null. */
  public String userOfToken(String token) {
    if (token == null || refused.contains(token)) {
      return null;
    }
    if (token.equals(this.token)
        || (token.equals(previous) && !clock.instant().isAfter(previousUntil))) {
      return TOKEN_USER;
    }
    return null;
  }

  /** Whether client certificates authenticate (unless the test rejects them). */
  public boolean acceptsCertificates() {
    return !rejectCertificates;
  }

  /** Clears refusals and certificate rejection (rotation stays). */
  public void reset() {
    refused.clear();
    rejectCertificates = false;
  }
}
