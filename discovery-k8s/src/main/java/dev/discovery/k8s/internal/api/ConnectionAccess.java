package dev.discovery.k8s.internal.api;

import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiServerAccess} over an {@link ApiConnection}: the current credential before every
 * request, and the warning of an insecure connection logged at WARN every time one is made.
 */
final class ConnectionAccess implements ApiServerAccess {
  private static final Logger log = LoggerFactory.getLogger(ConnectionAccess.class);

  private final ApiConnection connection;

  ConnectionAccess(ApiConnection connection) {
    this.connection = connection;
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
        log.warn(connection.insecureWarning());
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
