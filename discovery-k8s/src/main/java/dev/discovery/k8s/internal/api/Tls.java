package dev.discovery.k8s.internal.api;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context of a connection: the server verified against its CA (hostname included: the JDK's
 * HTTP client asks the trust manager for HTTPS endpoint identification), a failure naming the CA's
 * source; the client key taken from the credentials at each handshake (an exec plugin may renew
 * it). Trusting everything is only for a connection that was explicitly allowed to.
 */
final class Tls {
  private static final String ALIAS = "kubeconfig";

  private Tls() {}

  /**
   * @param ca the certificates to trust, or {@code null} for the JDK's default trust store
   * @param caSource where {@code ca} came from, for failures
   * @param insecure trust any server (explicitly allowed only)
   */
  static SSLContext context(
      List<X509Certificate> ca, String caSource, boolean insecure, Credentials credentials)
      throws ApiConfigException {
    try {
      TrustManager trust = insecure ? new TrustAll() : new Named(trustManager(ca), caSource);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {new ClientKeys(credentials)}, new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ApiConfigException(
          caSource + ": cannot be used as a trust store: " + ExecPlugin.oneLine(e.getMessage()));
    }
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> ca)
      throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (ca == null) {
      factory.init((KeyStore) null);
    } else {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        store.load(null, null);
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException(e);
      }
      for (int i = 0; i < ca.size(); i++) {
        store.setCertificateEntry("ca-" + i, ca.get(i));
      }
      factory.init(store);
    }
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** Verifies as its delegate does; a rejection names the CA source. */
  private static final class Named extends ServerOnly {
    private final X509ExtendedTrustManager delegate;
    private final String source;

    Named(X509ExtendedTrustManager delegate, String source) {
      this.delegate = delegate;
      this.source = source;
    }

    private CertificateException named(CertificateException e) {
      return new CertificateException(
          "the API server's certificate is not trusted by "
              + source
              + ": "
              + ExecPlugin.oneLine(e.getMessage())
              + " (expected: a server certificate issued by that CA for the server's host)",
          e);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw named(e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        throw named(e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw named(e);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** Trusts any server, hostname included: {@code insecure-skip-tls-verify}, when allowed. */
  private static final class TrustAll extends ServerOnly {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Presents the credentials' current client key, if any and of a type the server accepts. */
  private static final class ClientKeys extends X509ExtendedKeyManager {
    private final Credentials credentials;

    ClientKeys(Credentials credentials) {
      this.credentials = credentials;
    }

    private Optional<ClientKey> current() {
      try {
        return credentials.clientKey();
      } catch (ApiConfigException e) {
        // Reported by authorizationHeader(), which runs before every request.
        return Optional.empty();
      }
    }

    private String choose(String[] keyTypes) {
      Optional<ClientKey> key = current();
      if (key.isEmpty()) {
        return null;
      }
      String algorithm = key.get().key().getAlgorithm();
      for (String type : keyTypes) {
        if (type.equalsIgnoreCase(algorithm)) {
          return ALIAS;
        }
      }
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return choose(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      String alias = choose(new String[] {keyType});
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias)
          ? current().map(k -> k.chain().toArray(X509Certificate[]::new)).orElse(null)
          : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? current().map(ClientKey::key).orElse(null) : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** A trust manager of a client: it checks servers only, and refuses to be asked about clients. */
  private abstract static class ServerOnly extends X509ExtendedTrustManager {
    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client connection does not verify clients");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client connection does not verify clients");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client connection does not verify clients");
    }
  }
}
