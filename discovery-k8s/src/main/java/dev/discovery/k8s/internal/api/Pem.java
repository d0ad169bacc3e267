package dev.discovery.k8s.internal.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys as kubeconfigs hold them. Keys come as PKCS#8 ({@code PRIVATE
 * KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}); kind and minikube write
 * the last two, which the JDK's {@link KeyFactory} reads only as PKCS#8. Both are the inner key of
 * a PKCS#8 {@code PrivateKeyInfo}, so converting one is wrapping its DER in that envelope with the
 * algorithm identifier (and, for EC, the curve from the key's own parameters): a few lines of DER,
 * which is why there is no ASN.1 or crypto library here (BouncyCastle alone would outweigh the rest
 * of the SDK).
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  // DER encodings of the algorithm identifiers' parts.
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  private static final byte[] RSA_ENCRYPTION = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] NULL = {0x05, 0x00};
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int OID = 0x06;
  private static final int EC_PARAMETERS = 0xa0; // [0] EXPLICIT in SEC1's ECPrivateKey

  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  /** A PEM block: its label and decoded content. */
  record Block(String label, byte[] der) {}

  /** The PEM blocks in {@code text}, in order. */
  static List<Block> blocks(String text, String source) throws ApiConfigException {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      if (body.contains(":")) {
        throw new ApiConfigException(
            source
                + ": "
                + m.group(1)
                + " has PEM headers (an encrypted key?) (expected: an unencrypted PEM block)");
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body.strip())));
      } catch (IllegalArgumentException e) {
        throw new ApiConfigException(
            source + ": " + m.group(1) + " is not valid base64 (expected: a PEM block)");
      }
    }
    return blocks;
  }

  /** The certificates in {@code text}, at least one. */
  static List<X509Certificate> certificates(String text, String source) throws ApiConfigException {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(text, source)) {
        if (b.label().equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ApiConfigException(
          source
              + ": not a valid X.509 certificate: "
              + oneLine(e)
              + " (expected: a PEM CERTIFICATE)");
    }
    if (certs.isEmpty()) {
      throw new ApiConfigException(
          source + ": no certificate (expected: PEM -----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The first private key in {@code text}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC). */
  static PrivateKey privateKey(String text, String source) throws ApiConfigException {
    for (Block b : blocks(text, source)) {
      switch (b.label()) {
        case "PRIVATE KEY":
          return pkcs8(b.der(), b.label(), source);
        case "RSA PRIVATE KEY":
          return pkcs8(pkcs1ToPkcs8(b.der()), b.label(), source);
        case "EC PRIVATE KEY":
          return pkcs8(sec1ToPkcs8(b.der(), source), b.label(), source);
        case "ENCRYPTED PRIVATE KEY":
          throw new ApiConfigException(
              source
                  + ": ENCRYPTED PRIVATE KEY (expected: an unencrypted PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        default:
          // EC PARAMETERS and certificates may sit beside the key: skip them.
      }
    }
    throw new ApiConfigException(
        source + ": no private key (expected: PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, String label, String source)
      throws ApiConfigException {
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new ApiConfigException(
        source + ": " + label + " is not a valid " + String.join(", ", KEY_ALGORITHMS) + " key");
  }

  /** PKCS#1 {@code RSAPrivateKey} wrapped as PKCS#8 {@code PrivateKeyInfo} (RFC 5208, RFC 8017). */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, RSA_ENCRYPTION, NULL), tlv(OCTET_STRING, pkcs1));
  }

  /**
   * SEC1 {@code ECPrivateKey} (RFC 5915) wrapped as PKCS#8 with the named curve from the key's
   * {@code parameters} field.
   */
  static byte[] sec1ToPkcs8(byte[] sec1, String source) throws ApiConfigException {
    byte[] curve = null;
    try {
      DerReader outer = new DerReader(sec1, 0, sec1.length);
      DerReader fields = outer.enter(SEQUENCE);
      while (fields.hasMore()) {
        int tag = fields.tag();
        byte[] value = fields.value();
        if (tag == EC_PARAMETERS && value.length > 0 && (value[0] & 0xff) == OID) {
          curve = value;
        }
      }
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      throw new ApiConfigException(
          source + ": EC PRIVATE KEY is not valid DER (expected: a SEC1 ECPrivateKey)");
    }
    if (curve == null) {
      throw new ApiConfigException(
          source
              + ": EC PRIVATE KEY names no curve (expected: SEC1 with named-curve parameters, as openssl writes it)");
    }
    return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, EC_PUBLIC_KEY, curve), tlv(OCTET_STRING, sec1));
  }

  /** A DER tag-length-value with definite length. */
  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    int n = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  /** Walks DER elements between {@code pos} and {@code end}; throws on malformed input. */
  static final class DerReader {
    private final byte[] der;
    private int pos;
    private final int end;
    private int valueStart;
    private int valueEnd;

    DerReader(byte[] der, int pos, int end) {
      this.der = der;
      this.pos = pos;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    /** Reads the next element's header; returns its tag. */
    int tag() {
      int tag = der[check(pos++)] & 0xff;
      int len = der[check(pos++)] & 0xff;
      if (len >= 0x80) {
        int bytes = len & 0x7f;
        if (bytes == 0 || bytes > 4) {
          throw new IllegalStateException("length");
        }
        len = 0;
        for (int i = 0; i < bytes; i++) {
          len = (len << 8) | (der[check(pos++)] & 0xff);
        }
      }
      if (len < 0 || pos + len > end) {
        throw new IllegalStateException("length");
      }
      valueStart = pos;
      valueEnd = pos + len;
      pos = valueEnd;
      return tag;
    }

    /** The value of the element whose header {@link #tag()} just read. */
    byte[] value() {
      return Arrays.copyOfRange(der, valueStart, valueEnd);
    }

    /** The contents of the next element, which must have tag {@code expected}. */
    DerReader enter(int expected) {
      if (tag() != expected) {
        throw new IllegalStateException("tag");
      }
      return new DerReader(der, valueStart, valueEnd);
    }

    private int check(int i) {
      if (i >= end) {
        throw new IndexOutOfBoundsException(i);
      }
      return i;
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
