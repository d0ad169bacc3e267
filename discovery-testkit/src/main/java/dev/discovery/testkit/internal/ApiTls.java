package dev.discovery.testkit.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.MiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The fake API server's certificates: a certificate authority made for one server, the server's
 * certificate for {@code 127.0.0.1}, {@code ::1} and {@code localhost} signed by it, and client
 * certificates for users (CN the user, O the groups, as Kubernetes reads them). EC P-256 keys,
 * except the RSA keys a client asks for. Thread-safe.
 */
public final class ApiTls {
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final KeyPair serverKeys;
  private final X509Certificate server;
  private final AtomicLong serials = new AtomicLong(1);

  private ApiTls() {
    try {
      caKeys = ecKeys();
      X500Name caName = name("fake-api-server-ca", List.of());
      ca = sign(caName, caName, caKeys, caKeys.getPrivate(), true, null, null);
      serverKeys = ecKeys();
      GeneralNames sans =
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              });
      server =
          sign(
              caName,
              name("kube-apiserver", List.of()),
              serverKeys,
              caKeys.getPrivate(),
              false,
              sans,
              KeyPurposeId.id_kp_serverAuth);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("fake API server: cannot make its certificates: " + e, e);
    }
  }

  /** A new certificate authority and server certificate. */
  public static ApiTls generate() {
    return new ApiTls();
  }

  /** The CA certificate as PEM. */
  public String caPem() {
    return pem(ca);
  }

  /** The CA certificate. */
  public X509Certificate ca() {
    return ca;
  }

  /** An SSL context serving the server certificate and trusting the CA for client certificates. */
  public SSLContext serverContext() {
    try {
      char[] password = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "server", serverKeys.getPrivate(), password, new X509Certificate[] {server, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trustManagers(ca).getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("fake API server: cannot make its SSL context: " + e, e);
    }
  }

  /** A client context trusting {@code ca} only, for tests. */
  public static TrustManagerFactory trustManagers(X509Certificate ca)
      throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  /**
   * A client certificate for {@code user} in {@code groups}, signed by the CA.
   *
   * @param rsa an RSA 2048 key instead of EC P-256
   * @return the certificate and its key pair
   */
  public Issued issue(String user, List<String> groups, boolean rsa) {
    try {
      KeyPair keys = rsa ? rsaKeys() : ecKeys();
      X509Certificate cert =
          sign(
              name("fake-api-server-ca", List.of()),
              name(user, groups),
              keys,
              caKeys.getPrivate(),
              false,
              null,
              KeyPurposeId.id_kp_clientAuth);
      return new Issued(cert, keys);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(
          "fake API server: cannot issue a client certificate: " + e, e);
    }
  }

  /** An issued client certificate and its private key. */
  public record Issued(X509Certificate certificate, KeyPair keys) {}

  /** {@code key} as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static String pkcs8Pem(PrivateKey key) {
    return pem(new PemObject("PRIVATE KEY", key.getEncoded()));
  }

  /**
   * The private key of {@code keys} in its algorithm's own format, as kind, minikube and OpenSSL
   * write them: PKCS#1 for RSA ({@code BEGIN RSA PRIVATE KEY}); SEC1 for EC ({@code BEGIN EC
   * PRIVATE KEY}), with the curve and the public key in it.
   */
  public static String traditionalPem(KeyPair keys) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
      if (keys.getPrivate() instanceof ECPrivateKey ec) {
        SubjectPublicKeyInfo pub = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
            new org.bouncycastle.asn1.sec.ECPrivateKey(
                ec.getParams().getOrder().bitLength(),
                ec.getS(),
                pub.getPublicKeyData(),
                pub.getAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      }
      return pem(
          new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code certificate} as PEM. */
  public static String pem(X509Certificate certificate) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String pem(PemObject object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new MiscPEMGenerator(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private X509Certificate sign(
      X500Name issuer,
      X500Name subject,
      KeyPair subjectKeys,
      PrivateKey issuerKey,
      boolean ca,
      GeneralNames sans,
      KeyPurposeId purpose)
      throws OperatorCreationException, IOException, GeneralSecurityException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(serials.getAndIncrement()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }
    if (sans != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, sans);
    }
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static X500Name name(String commonName, List<String> organizations) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    for (String o : organizations) {
      b.addRDN(BCStyle.O, o);
    }
    b.addRDN(BCStyle.CN, commonName);
    return b.build();
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, RANDOM);
    return g.generateKeyPair();
  }
}
