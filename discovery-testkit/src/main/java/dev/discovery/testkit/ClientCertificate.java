package dev.discovery.testkit;

import java.util.List;

/**
 * A client certificate {@link FakeApiServer#issueClientCertificate} issued: signed by the server's
 * CA, its common name the user and its organizations the groups, as Kubernetes reads them.
 *
 * @param user the user (the certificate's CN)
 * @param groups the groups (its O entries)
 * @param certificatePem the certificate, PEM ({@code BEGIN CERTIFICATE})
 * @param privateKeyPem the private key, PEM in {@code format}
 * @param format the key's algorithm and encoding
 * @since 0.1
 */
public record ClientCertificate(
    String user,
    List<String> groups,
    String certificatePem,
    String privateKeyPem,
    KeyFormat format) {

  public ClientCertificate {
    groups = List.copyOf(groups);
  }

  /** A private key's algorithm and PEM encoding, as kubeconfig files carry them. */
  public enum KeyFormat {
    /** EC P-256 in PKCS#8 ({@code BEGIN PRIVATE KEY}), which Java reads as is. */
    PKCS8_EC,
    /** RSA 2048 in PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    PKCS8_RSA,
    /** RSA 2048 in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), as kind and minikube write RSA keys. */
    PKCS1_RSA,
    /** EC P-256 in SEC1 ({@code BEGIN EC PRIVATE KEY}), as kind writes EC keys. */
    SEC1_EC;

    /** Whether the key is RSA (else EC). */
    public boolean rsa() {
      return this == PKCS8_RSA || this == PKCS1_RSA;
    }
  }
}
