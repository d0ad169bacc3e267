package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against the JDK's HTTPS server on loopback, with a test CA. */
class TlsHandshakeTest {
  @TempDir Path dir;

  private KeyPair caKeys;
  private X509Certificate ca;
  private SSLServerSocket server;
  private Thread acceptor;

  @BeforeEach
  void ca() throws Exception {
    caKeys = Pki.ec();
    ca = Pki.ca(caKeys, "test-ca");
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      acceptor.join();
    }
  }

  /** Serves the client certificate's subject (or "anonymous") over TLS with {@code serverCert}. */
  private URI serve(KeyPair keys, X509Certificate serverCert, boolean wantClientAuth)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", keys.getPrivate(), new char[0], new Certificate[] {serverCert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server =
        (SSLServerSocket)
            ssl.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setWantClientAuth(wantClientAuth);
    SSLServerSocket listening = server;
    acceptor =
        new Thread(
            () -> {
              while (!listening.isClosed()) {
                try (SSLSocket socket = (SSLSocket) listening.accept()) {
                  answer(socket);
                } catch (Exception e) {
                  // a failed handshake or the socket closed: next connection
                }
              }
            },
            "tls-test-server");
    acceptor.start();
    return URI.create("https://127.0.0.1:" + server.getLocalPort());
  }

  /** A minimal HTTP/1.1 answer: the client certificate's subject, or "anonymous". */
  private static void answer(SSLSocket socket) throws Exception {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      // request line and headers: ignored
    }
    String who;
    try {
      who = socket.getSession().getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      who = "anonymous";
    }
    byte[] body = who.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private URI serveLoopback() throws Exception {
    KeyPair keys = Pki.ec();
    return serve(keys, Pki.leaf(keys, "apiserver", ca, caKeys.getPrivate()), false);
  }

  private static String get(ApiConnection c) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(c.sslContext().orElseThrow()).build();
    return client
        .send(
            HttpRequest.newBuilder(c.server().resolve("/version")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private ApiConnection.Builder builder(URI uri) {
    return ApiConnection.builder().environment(Pki.env(Map.of())).server(uri);
  }

  @Test
  void rightCa_handshakeSucceeds() throws Exception {
    URI uri = serveLoopback();
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pki.pem(ca));
    assertThat(get(builder(uri).caFile(caFile).load())).isEqualTo("anonymous");
  }

  @Test
  void wrongCa_failsNamingTheCaSource() throws Exception {
    URI uri = serveLoopback();
    Path other = Files.writeString(dir.resolve("other-ca.crt"), Pki.pem(Pki.ca(Pki.ec(), "other")));
    ApiConnection c = builder(uri).caFile(other).load();
    assertThatThrownBy(() -> get(c))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains(
                        "the API server's certificate is not trusted by CA file "
                            + other
                            + " (set on the builder)"));
  }

  @Test
  void hostnameChecked_certificateForAnotherName_fails() throws Exception {
    KeyPair keys = Pki.ec();
    URI uri =
        serve(
            keys,
            Pki.leaf(
                keys,
                "elsewhere",
                ca,
                caKeys.getPrivate(),
                new GeneralName(GeneralName.dNSName, "elsewhere.example")),
            false);
    ApiConnection c = builder(uri).caPem(Pki.pem(ca)).load();
    assertThatThrownBy(() -> get(c))
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("not trusted by CA PEM (set on the builder)")
                    .contains("127.0.0.1"));
  }

  @Test
  void insecureAllowed_acceptsAnyServer() throws Exception {
    URI uri = serveLoopback();
    ApiConnection c = builder(uri).insecureSkipTlsVerify(true).allowInsecure(true).load();
    assertThat(c.insecure()).isTrue();
    assertThat(get(c)).isEqualTo("anonymous");
  }

  @Test
  void clientCertificate_presentedInTheHandshake() throws Exception {
    KeyPair serverKeys = Pki.ec();
    URI uri = serve(serverKeys, Pki.leaf(serverKeys, "apiserver", ca, caKeys.getPrivate()), true);
    KeyPair userKeys = Pki.rsa();
    X509Certificate user = Pki.leaf(userKeys, "kind-user", ca, caKeys.getPrivate());
    ApiConnection c =
        builder(uri)
            .caPem(Pki.pem(ca))
            .clientCertificatePem(Pki.pem(user), Pki.pem(userKeys.getPrivate()))
            .load();
    assertThat(get(c)).isEqualTo("CN=kind-user");
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }
}
