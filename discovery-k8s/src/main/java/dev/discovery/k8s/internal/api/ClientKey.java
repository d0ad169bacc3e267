package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A TLS client certificate chain and its private key. {@link #toString()} never shows the key.
 *
 * @param chain the certificate first, then any intermediates
 * @param key the certificate's private key
 */
public record ClientKey(List<X509Certificate> chain, PrivateKey key) {
  public ClientKey {
    chain = List.copyOf(chain);
  }

  /** Reads a PEM certificate (chain) and its PEM private key, naming their sources on failure. */
  static ClientKey read(Material cert, Material key, Environment env) throws ApiConfigException {
    return new ClientKey(
        Pem.certificates(cert.read(env), cert.description()),
        Pem.privateKey(key.read(env), key.description()));
  }

  @Override
  public String toString() {
    return "ClientKey[" + chain.get(0).getSubjectX500Principal().getName() + "]";
  }
}
