package dev.discovery.k8s.internal.api;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a connection sends to prove who it is: a bearer token (static, from a file re-read every
 * minute, or from an exec plugin cached until its expiry), a client certificate, both or nothing.
 * Call {@link #authorizationHeader()} before each request: it also brings the client key that TLS
 * handshakes present up to date. Thread-safe; never shows a secret in a message or {@link
 * #toString()}.
 */
public final class Credentials {
  private final List<CredentialSource> sources;

  Credentials(List<CredentialSource> sources) {
    this.sources = List.copyOf(sources);
  }

  /** No credential: requests go anonymous. */
  static Credentials none() {
    return new Credentials(List.of());
  }

  /** The {@code Authorization} header value ({@code Bearer <token>}) to send now, if any. */
  public Optional<String> authorizationHeader() throws ApiConfigException {
    return bearerToken().map(t -> "Bearer " + t);
  }

  /** The bearer token to send now, if any. */
  public Optional<String> bearerToken() throws ApiConfigException {
    Optional<String> token = Optional.empty();
    for (CredentialSource s : sources) {
      Optional<String> t = s.token();
      if (token.isEmpty()) {
        token = t;
      }
    }
    return token;
  }

  /** The client certificate and key to present now, if any. */
  public Optional<ClientKey> clientKey() throws ApiConfigException {
    for (CredentialSource s : sources) {
      Optional<ClientKey> k = s.clientKey();
      if (k.isPresent()) {
        return k;
      }
    }
    return Optional.empty();
  }

  /** Forgets cached tokens, so the next request reads the token file or runs the plugin again. */
  public void refresh() {
    sources.forEach(CredentialSource::refresh);
  }

  /** What kind of credential: {@code client certificate}, {@code token file}, {@code none}. */
  public String kind() {
    return sources.isEmpty()
        ? "no credential"
        : sources.stream().map(CredentialSource::kind).collect(Collectors.joining(" and "));
  }

  /** Which credential is sent and from where, never its value (for 401 messages). */
  public String description() {
    return sources.isEmpty()
        ? "no credential (anonymous)"
        : sources.stream().map(CredentialSource::description).collect(Collectors.joining(" and "));
  }

  @Override
  public String toString() {
    return "Credentials[" + description() + "]";
  }
}
