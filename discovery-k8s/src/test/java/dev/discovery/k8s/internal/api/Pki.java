package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys, a CA and certificates for tests (BouncyCastle, test scope only), and a test environment.
 */
final class Pki {
  private Pki() {}

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A self-signed CA. */
  static X509Certificate ca(KeyPair keys, String cn) throws Exception {
    X500Name name = new X500Name("CN=" + cn);
    var b =
        new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from(), to(), name, keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return sign(b, keys.getPrivate());
  }

  /** A leaf for {@code 127.0.0.1} and {@code localhost}, issued by {@code ca}. */
  static X509Certificate leaf(KeyPair keys, String cn, X509Certificate ca, PrivateKey caKey)
      throws Exception {
    return leaf(
        keys,
        cn,
        ca,
        caKey,
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost"));
  }

  /** A leaf for {@code names}, issued by {@code ca}. */
  static X509Certificate leaf(
      KeyPair keys, String cn, X509Certificate ca, PrivateKey caKey, GeneralName... names)
      throws Exception {
    var b =
        new JcaX509v3CertificateBuilder(
            new X500Name(ca.getSubjectX500Principal().getName()),
            BigInteger.valueOf(System.nanoTime()),
            from(),
            to(),
            new X500Name("CN=" + cn),
            keys.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    return sign(b, caKey);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws Exception {
    String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
  }

  private static Date from() {
    return Date.from(Instant.now().minus(Duration.ofDays(1)));
  }

  private static Date to() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  /** PEM as openssl writes it: certificates, and keys as PKCS#1 (RSA) or SEC1 (EC). */
  static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** A key as PKCS#8 {@code PRIVATE KEY} PEM. */
  static String pkcs8(PrivateKey key) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    }
    return out.toString();
  }

  /**
   * An EC key as SEC1 {@code EC PRIVATE KEY} PEM, with the named curve as openssl writes it, or
   * without.
   */
  static String sec1(java.security.interfaces.ECPrivateKey key, boolean withCurve)
      throws Exception {
    var der =
        withCurve
            ? new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                key.getS(),
                new org.bouncycastle.asn1.x9.X962Parameters(
                    org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1))
            : new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS());
    StringWriter out = new StringWriter();
    try (var w = new org.bouncycastle.util.io.pem.PemWriter(out)) {
      w.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", der.getEncoded()));
    }
    return out.toString();
  }

  /** Fixed variables; files read from disk now (so a rotated file is seen). */
  static Environment env(Map<String, String> variables) {
    Environment disk = Environment.system();
    return new Environment() {
      @Override
      public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name));
      }

      @Override
      public Optional<String> file(Path path) {
        return disk.file(path);
      }
    };
  }
}
