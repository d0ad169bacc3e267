package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token read from a file and read again once {@link #REREAD} has passed, because the file
 * rotates (a pod's service-account token is replaced at 80% of its life, about every 48 minutes). A
 * read that fails after a good one keeps the last good token. Thread-safe.
 */
final class TokenFile implements CredentialSource {
  /** How long a read token is used before the file is read again. */
  static final Duration REREAD = Duration.ofMinutes(1);

  private final Material file;
  private final Environment env;
  private final Clock clock;
  private String token;
  private Instant readAt;

  TokenFile(Material file, Environment env, Clock clock) {
    this.file = file;
    this.env = env;
    this.clock = clock;
  }

  @Override
  public synchronized Optional<String> token() throws ApiConfigException {
    Instant now = clock.instant();
    if (token == null || readAt == null || !now.isBefore(readAt.plus(REREAD))) {
      try {
        String read = file.read(env).strip();
        if (read.isEmpty()) {
          throw new ApiConfigException(file.description() + ": empty (expected: a bearer token)");
        }
        token = read;
      } catch (ApiConfigException e) {
        if (token == null) {
          throw e;
        }
        // A rotation in progress or a passing I/O failure: the last good token stays.
      }
      readAt = now;
    }
    return Optional.of(token);
  }

  @Override
  public synchronized void refresh() {
    readAt = null;
  }

  @Override
  public String kind() {
    return "token file";
  }

  @Override
  public String description() {
    return "bearer token from " + file.description();
  }

  @Override
  public String toString() {
    return description();
  }
}
