package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Client certificates: each key format, authentication with one, and rejection. */
class FakeApiServerCertificateTest {
  FakeCluster cluster = FakeCluster.create();
  FakeApiServer api;

  @BeforeEach
  void start() {
    api = FakeApiServer.start(cluster);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @ParameterizedTest
  @EnumSource(ClientCertificate.KeyFormat.class)
  void issuedKeys_areInTheirFormat_andMatchTheCertificate(ClientCertificate.KeyFormat format)
      throws Exception {
    ClientCertificate c = api.issueClientCertificate(format, "alice", "devs", "ops");

    String header =
        switch (format) {
          case PKCS8_EC, PKCS8_RSA -> "-----BEGIN PRIVATE KEY-----";
          case PKCS1_RSA -> "-----BEGIN RSA PRIVATE KEY-----";
          case SEC1_EC -> "-----BEGIN EC PRIVATE KEY-----";
        };
    assertThat(c.privateKeyPem()).startsWith(header);
    X509Certificate cert = certificate(c.certificatePem());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=ops,O=devs");
    cert.verify(certificate(api.caCertificatePem()).getPublicKey());
    Object parsed = new PEMParser(new StringReader(c.privateKeyPem())).readObject();
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (parsed instanceof PEMKeyPair pair) {
      assertThat(converter.getKeyPair(pair).getPublic()).isEqualTo(cert.getPublicKey());
    } else {
      PrivateKey key = converter.getPrivateKey((PrivateKeyInfo) parsed);
      assertThat(key.getAlgorithm()).isEqualTo(format.rsa() ? "RSA" : "EC");
    }
  }

  @Test
  void aClientCertificate_authenticatesWithoutAToken_andIsLogged() throws Exception {
    ClientCertificate c = api.issueClientCertificate("alice", "devs");
    ApiClient client = new ApiClient(api, null, keyManagers(c));

    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
    ApiRequest logged = api.requests().all().get(0);
    assertThat(logged.clientCertificate()).isEqualTo("alice");
    assertThat(logged.token()).isNull();

    api.faults().rejectClientCertificates();
    ApiClient.Response refused = client.get("/api/v1/pods");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).containsEntry("reason", "Unauthorized");
  }

  @Test
  void forbidden_namesTheCertificatesUser() throws Exception {
    ClientCertificate c = api.issueClientCertificate("bob");
    api.faults().forbid("list", "pods");
    ApiClient client = new ApiClient(api, null, keyManagers(c));

    assertThat(client.get("/api/v1/pods").body().get("message"))
        .isEqualTo(
            "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" at"
                + " the cluster scope");
  }

  private static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static KeyManager[] keyManagers(ClientCertificate c) throws Exception {
    String base64 =
        c.privateKeyPem()
            .replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "client", key, new char[0], new X509Certificate[] {certificate(c.certificatePem())});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    return kmf.getKeyManagers();
  }
}
