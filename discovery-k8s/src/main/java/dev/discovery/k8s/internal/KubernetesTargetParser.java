package dev.discovery.k8s.internal;

import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesTarget;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ServicePort;
import dev.discovery.spi.UriTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses and validates the grammar of {@link KubernetesTarget}. Pure: reads nothing from the host.
 */
public final class KubernetesTargetParser {
  static final String SERVICE_FORM =
      "<scheme>://[authority]/<service>[.<namespace>[.svc[.<zone>]]][.][:<port>][?access=<mode>],"
          + " e.g. k8s:///web.shop:grpc";
  private static final String DNS_1035 =
      "a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter and"
          + " ending with a letter or digit";
  private static final String DNS_1123 =
      "a DNS-1123 label: at most 63 characters of a-z, 0-9 and '-', starting and ending with a"
          + " letter or digit";

  private KubernetesTargetParser() {}

  /**
   * The longest DNS name in text form, without the trailing dot (RFC 1035: 255 octets on the wire).
   */
  public static final int MAX_NAME_LENGTH = 253;

  public static KubernetesTarget parse(String target) {
    String scheme = UriTarget.schemeOf(target);
    int sep = scheme.length();
    if (!KubernetesTarget.SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" in \""
              + target
              + "\" (expected one of: "
              + String.join(", ", KubernetesTarget.SCHEMES)
              + ")");
    }
    String rest = target.substring(sep + 3);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "target: \""
              + target
              + "\" has no '/' after the authority (expected: "
              + SERVICE_FORM
              + ")");
    }
    try {
      String authority = asciiLowerCase(rest.substring(0, slash), "authority");
      return parseService(scheme, authority, rest.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " in target \"" + target + "\"");
    }
  }

  /**
   * {@code text} in lower case, if it holds only printable ASCII: the name is validated as written,
   * so no Unicode character lower-cases or folds into an ASCII one.
   */
  private static String asciiLowerCase(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            what
                + ": \""
                + text
                + "\" has "
                + (Character.isWhitespace(c) || Character.isISOControl(c)
                    ? String.format("U+%04X", (int) c)
                    : "'" + c + "' (U+" + String.format("%04X", (int) c) + ")")
                + " (expected: ASCII letters, digits, '-' and '.' only)");
      }
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static KubernetesTarget parseService(
      String scheme, String authority, String pathAndQuery) {
    String path = pathAndQuery;
    AccessMode access = null;
    int question = pathAndQuery.indexOf('?');
    if (question >= 0) {
      path = pathAndQuery.substring(0, question);
      access = parseAccess(pathAndQuery.substring(question + 1));
    }
    String name = path;
    ServicePort port = null;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      name = path.substring(0, colon);
      String portText = asciiLowerCase(path.substring(colon + 1), "port");
      if (portText.isEmpty()) {
        throw new IllegalArgumentException(
            "port: empty after ':' (expected: a port number 1..65535 or a port name)");
      }
      port = ServicePort.parse(portText);
    }
    name = asciiLowerCase(name, "name");
    boolean absolute = name.endsWith(".");
    if (absolute) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("service: empty (expected: " + SERVICE_FORM + ")");
    }
    String[] labels = name.split("\\.", -1);
    String service = labels[0];
    String namespace = labels.length > 1 ? labels[1] : null;
    boolean svc = false;
    String zone = null;
    if (labels.length > 2) {
      if (!labels[2].equals("svc")) {
        throw new IllegalArgumentException(
            "name: \""
                + name
                + "\": third label \""
                + labels[2]
                + "\" (expected: \"svc\", as in <service>.<namespace>.svc.<zone>)");
      }
      svc = true;
      if (labels.length > 3) {
        zone = String.join(".", java.util.Arrays.copyOfRange(labels, 3, labels.length));
      }
    }
    return new KubernetesTarget(
        scheme, authority, service, namespace, svc, zone, absolute, port, access);
  }

  private static AccessMode parseAccess(String query) {
    String expected = " (expected: access=pods, access=nodePort or access=loadBalancer)";
    if (!query.startsWith("access=") || query.indexOf('&') >= 0) {
      throw new IllegalArgumentException("query: \"" + query + "\"" + expected);
    }
    String mode = query.substring("access=".length());
    try {
      return AccessMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("access: \"" + mode + "\"" + expected);
    }
  }

  /**
   * {@code namespace} if it is a DNS-1123 label, for the providers' builders.
   *
   * @throws IllegalArgumentException naming it and the form expected
   */
  public static String requireNamespace(String namespace) {
    String problem = labelProblem(Objects.requireNonNull(namespace, "namespace"), false);
    if (problem != null) {
      throw new IllegalArgumentException(
          "namespace: \"" + namespace + "\" " + problem + " (expected: a DNS-1123 label)");
    }
    return namespace;
  }

  /** Checks that {@code scheme} can serve {@code access}: DNS sees pods only. */
  public static void validateAccess(String scheme, AccessMode access) {
    if (access != null && access != AccessMode.PODS && scheme.equals(KubernetesTarget.K8S_DNS)) {
      throw new IllegalArgumentException(
          "access: "
              + access.spelling()
              + " needs the API source (expected: "
              + KubernetesTarget.K8S_API
              + ":// or "
              + KubernetesTarget.K8S
              + "://)");
    }
  }

  /** Checks the parts of a {@link KubernetesTarget}; throws naming the first bad one. */
  public static void validate(
      String scheme,
      String authority,
      String service,
      String namespace,
      boolean svc,
      String zone,
      boolean absolute) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(authority, "authority");
    if (!KubernetesTarget.SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" (expected one of: "
              + String.join(", ", KubernetesTarget.SCHEMES)
              + ")");
    }
    if (service == null || service.isEmpty()) {
      throw new IllegalArgumentException("service: empty (expected: " + SERVICE_FORM + ")");
    }
    String bad = labelProblem(service, true);
    if (bad != null) {
      throw new IllegalArgumentException(
          "service: \"" + service + "\" " + bad + " (expected: " + DNS_1035 + ")");
    }
    if (namespace != null) {
      bad = labelProblem(namespace, false);
      if (bad != null) {
        throw new IllegalArgumentException(
            "namespace: \"" + namespace + "\" " + bad + " (expected: " + DNS_1123 + ")");
      }
    }
    if (svc && namespace == null) {
      throw new IllegalArgumentException(
          "svc: set without a namespace (expected: <service>.<namespace>.svc)");
    }
    if (zone != null) {
      if (!svc) {
        throw new IllegalArgumentException(
            "zone: \"" + zone + "\" without .svc (expected: <service>.<namespace>.svc.<zone>)");
      }
      for (String label : zone.split("\\.", -1)) {
        bad = labelProblem(label, false);
        if (bad != null) {
          throw new IllegalArgumentException(
              "zone: \""
                  + zone
                  + "\": label \""
                  + label
                  + "\" "
                  + bad
                  + " (expected: "
                  + DNS_1123
                  + ")");
        }
      }
    }
    int length =
        service.length()
            + (namespace == null ? 0 : namespace.length() + 1)
            + (svc ? 4 : 0)
            + (zone == null ? 0 : zone.length() + 1);
    if (length > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name: "
              + length
              + " characters (expected: a DNS name of at most "
              + MAX_NAME_LENGTH
              + " characters, namespace, svc and zone included)");
    }
    validateAuthority(scheme, authority);
  }

  private static void validateAuthority(String scheme, String authority) {
    switch (scheme) {
      case KubernetesTarget.K8S -> {
        if (!authority.isEmpty()) {
          throw new IllegalArgumentException(
              "authority: \""
                  + authority
                  + "\" on scheme k8s (expected: none, as in k8s:///web.shop; to name a server use"
                  + " k8s+dns://<dns-server>/... or k8s+api://<api-server>/...)");
        }
      }
      case KubernetesTarget.K8S_DNS, KubernetesTarget.K8S_API -> {
        if (!authority.isEmpty()) {
          parseHostPort(
              authority, scheme.equals(KubernetesTarget.K8S_DNS) ? "DNS server" : "API server");
        }
      }
      default -> throw new IllegalArgumentException("scheme: " + scheme);
    }
  }

  /**
   * Parses {@code host[:port]} where host is a DNS name, an IPv4 address or a bracketed IPv6
   * address; the port is 0 when absent. Host names are returned unresolved.
   */
  public static InetSocketAddress parseHostPort(String text, String what) {
    String host;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw badAuthority(text, what, "no closing ']'");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        if (text.charAt(close + 1) != ':') {
          throw badAuthority(text, what, "unexpected text after ']'");
        }
        portText = text.substring(close + 2);
      }
      InetAddress a = IpAddresses.parseLiteral(host);
      if (a == null) {
        throw badAuthority(text, what, "\"" + host + "\" is not an IPv6 address");
      }
      return new InetSocketAddress(a, authorityPort(portText, text, what));
    }
    int colon = text.indexOf(':');
    if (colon >= 0) {
      if (text.indexOf(':', colon + 1) >= 0) {
        throw badAuthority(text, what, "an IPv6 address needs brackets");
      }
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
    } else {
      host = text;
    }
    int port = authorityPort(portText, text, what);
    InetAddress a = IpAddresses.parseLiteral(host);
    if (a != null) {
      return new InetSocketAddress(a, port);
    }
    for (String label : host.split("\\.", -1)) {
      if (labelProblem(label, false) != null) {
        throw badAuthority(text, what, "\"" + host + "\" is not a host name or IP address");
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static int authorityPort(String portText, String text, String what) {
    if (portText == null) {
      return 0;
    }
    if (!IpAddresses.isAsciiDigits(portText, 5)) {
      throw badAuthority(text, what, "port \"" + portText + "\" is not a number");
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port: " + port + " of " + what + " \"" + text + "\" (expected: 1..65535)");
    }
    return port;
  }

  private static IllegalArgumentException badAuthority(String text, String what, String why) {
    return new IllegalArgumentException(
        "authority: \""
            + text
            + "\": "
            + why
            + " (expected: the "
            + what
            + " as host[:port], e.g. 10.96.0.10:53 or [::1]:53)");
  }

  /** Why {@code label} is not a DNS label (RFC 1035 style when {@code mustStartWithLetter}). */
  public static String labelProblem(String label, boolean mustStartWithLetter) {
    if (label.isEmpty()) {
      return "is empty";
    }
    if (label.length() > 63) {
      return "is " + label.length() + " characters long";
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "has '" + c + "'";
      }
    }
    char first = label.charAt(0);
    if (mustStartWithLetter && !(first >= 'a' && first <= 'z')) {
      return "does not start with a letter";
    }
    if (first == '-') {
      return "starts with '-'";
    }
    if (label.charAt(label.length() - 1) == '-') {
      return "ends with '-'";
    }
    return null;
  }
}
