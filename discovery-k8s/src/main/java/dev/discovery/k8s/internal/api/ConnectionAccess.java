package dev.discovery.k8s.internal.api;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiServerAccess} over an {@link ApiConnection}: the current credential before every
 * request, and the warning of an insecure connection logged at WARN when the first one is made and
 * then at most once a minute (at DEBUG in between): reconnects and retries do not flood the log.
 */
final class ConnectionAccess implements ApiServerAccess {
  private static final Logger log = LoggerFactory.getLogger(ConnectionAccess.class);

  private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

  private final ApiConnection connection;
  private final Clock clock;
  private final AtomicReference<Instant> lastWarned = new AtomicReference<>();

  ConnectionAccess(ApiConnection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
  }

  @Override
  public URI server() {
    return connection.server();
  }

  @Override
  public SSLContext sslContext() {
    return connection.sslContext().orElse(null);
  }

  @Override
  public Supplier<Optional<String>> authorization() {
    return () -> {
      if (connection.insecure()) {
        Instant last = lastWarned.get();
        Instant now = clock.instant();
        if ((last == null || !now.isBefore(last.plus(WARN_INTERVAL)))
            && lastWarned.compareAndSet(last, now)) {
          log.warn(connection.insecureWarning());
        } else {
          log.debug(connection.insecureWarning());
        }
      }
      try {
        return connection.credentials().authorizationHeader();
      } catch (ApiConfigException e) {
        // ApiClient turns this into a PERMISSION_DENIED naming the credential and its origin.
        throw new IllegalStateException(e.getMessage(), e);
      }
    };
  }

  @Override
  public String credentialDescription() {
    return connection.credentialDescription();
  }

  @Override
  public String originDescription() {
    return connection.origin();
  }

  @Override
  public String caDescription() {
    return connection.trustSource();
  }
}
