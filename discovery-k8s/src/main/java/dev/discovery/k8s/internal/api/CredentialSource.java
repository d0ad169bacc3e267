package dev.discovery.k8s.internal.api;

import java.util.Optional;

/**
 * One place a credential comes from: a token, a token file, a client certificate or an exec plugin.
 * Implementations are thread-safe and never show a secret in {@link #description()} or {@code
 * toString()}.
 */
interface CredentialSource {

  /** The bearer token to send now, if this source gives one. */
  default Optional<String> token() throws ApiConfigException {
    return Optional.empty();
  }

  /** The client certificate and key to present now, if this source gives one. */
  default Optional<ClientKey> clientKey() throws ApiConfigException {
    return Optional.empty();
  }

  /** Forgets anything cached, so the next call reads or runs again (after a 401). */
  default void refresh() {}

  /** What kind of credential, for the connection's origin: {@code token}, {@code exec plugin}. */
  String kind();

  /** Which credential and where from, never its value: {@code bearer token from tokenFile /x}. */
  String description();

  /** A token written in a kubeconfig or on the builder. */
  record StaticToken(String value, Material source) implements CredentialSource {
    @Override
    public Optional<String> token() {
      return Optional.of(value);
    }

    @Override
    public String kind() {
      return "token";
    }

    @Override
    public String description() {
      return "bearer token from " + source.description();
    }

    @Override
    public String toString() {
      return description();
    }
  }

  /** A client certificate and key read once from files or inline PEM. */
  record StaticClientKey(ClientKey key, Material source) implements CredentialSource {
    @Override
    public Optional<ClientKey> clientKey() {
      return Optional.of(key);
    }

    @Override
    public String kind() {
      return "client certificate";
    }

    @Override
    public String description() {
      return "client certificate from " + source.description();
    }

    @Override
    public String toString() {
      return description();
    }
  }
}
