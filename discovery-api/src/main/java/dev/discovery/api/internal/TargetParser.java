package dev.discovery.api.internal;

import dev.discovery.api.ServiceTarget;
import dev.discovery.api.StaticTarget;
import dev.discovery.api.Target;
import dev.discovery.spi.ServicePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Parses and validates the target grammar of {@link Target}. Pure: reads nothing from the host. */
public final class TargetParser {
  static final String SERVICE_FORM =
      "<scheme>://[authority]/<service>[.<namespace>[.svc[.<zone>]]][.][:<port>],"
          + " e.g. k8s:///web.shop:grpc";
  static final String STATIC_FORM =
      "static:///<ip>:<port>[,<ip>:<port>...], e.g. static:///10.0.0.1:80,[::1]:80";
  private static final String DNS_1035 =
      "a DNS-1035 label: at most 63 characters of a-z, 0-9 and '-', starting with a letter and"
          + " ending with a letter or digit";
  private static final String DNS_1123 =
      "a DNS-1123 label: at most 63 characters of a-z, 0-9 and '-', starting and ending with a"
          + " letter or digit";

  private TargetParser() {}

  public static Target parse(String target) {
    Objects.requireNonNull(target, "target");
    int sep = target.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException(
          "target: \"" + target + "\" has no scheme (expected: " + SERVICE_FORM + ")");
    }
    String scheme = target.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!Target.KNOWN_SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" in \""
              + target
              + "\" (expected one of: "
              + String.join(", ", Target.KNOWN_SCHEMES)
              + ")");
    }
    String rest = target.substring(sep + 3);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "target: \""
              + target
              + "\" has no '/' after the authority (expected: "
              + (scheme.equals(Target.STATIC) ? STATIC_FORM : SERVICE_FORM)
              + ")");
    }
    String authority = rest.substring(0, slash).toLowerCase(Locale.ROOT);
    String path = rest.substring(slash + 1);
    try {
      return scheme.equals(Target.STATIC)
          ? parseStatic(authority, path)
          : parseService(scheme, authority, path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " in target \"" + target + "\"");
    }
  }

  private static StaticTarget parseStatic(String authority, String path) {
    if (!authority.isEmpty()) {
      throw new IllegalArgumentException(
          "authority: \""
              + authority
              + "\" on scheme static (expected: none, "
              + STATIC_FORM
              + ")");
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("static addresses: empty (expected: " + STATIC_FORM + ")");
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String item : path.split(",", -1)) {
      addresses.add(parseStaticAddress(item));
    }
    return new StaticTarget(addresses);
  }

  private static InetSocketAddress parseStaticAddress(String item) {
    String host;
    String portText;
    if (item.startsWith("[")) {
      int close = item.indexOf(']');
      if (close < 0 || close + 1 >= item.length() || item.charAt(close + 1) != ':') {
        throw badStatic(item, "an IPv6 address needs brackets and a port, as in [::1]:80");
      }
      host = item.substring(1, close);
      portText = item.substring(close + 2);
      InetAddress a = Addresses.parseLiteral(host);
      if (a == null || host.indexOf(':') < 0) {
        throw badStatic(item, "\"" + host + "\" is not an IPv6 address");
      }
      return new InetSocketAddress(a, parsePortNumber(portText, item));
    }
    int colon = item.lastIndexOf(':');
    if (colon < 0) {
      throw badStatic(item, "no port");
    }
    host = item.substring(0, colon);
    portText = item.substring(colon + 1);
    if (host.indexOf(':') >= 0) {
      throw badStatic(item, "an IPv6 address needs brackets, as in [::1]:80");
    }
    InetAddress a = Addresses.parseLiteral(host);
    if (a == null) {
      throw badStatic(item, "\"" + host + "\" is not an IP address");
    }
    return new InetSocketAddress(a, parsePortNumber(portText, item));
  }

  private static int parsePortNumber(String text, String item) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      throw badStatic(item, "port \"" + text + "\" is not a number");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port: " + port + " in static address \"" + item + "\" (expected: 1..65535)");
    }
    return port;
  }

  private static IllegalArgumentException badStatic(String item, String why) {
    return new IllegalArgumentException(
        "static address: \"" + item + "\": " + why + " (expected: " + STATIC_FORM + ")");
  }

  private static ServiceTarget parseService(String scheme, String authority, String path) {
    String name = path;
    ServicePort port = null;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      name = path.substring(0, colon);
      String portText = path.substring(colon + 1).toLowerCase(Locale.ROOT);
      if (portText.isEmpty()) {
        throw new IllegalArgumentException(
            "port: empty after ':' (expected: a port number 1..65535 or a port name)");
      }
      port = ServicePort.parse(portText);
    }
    name = name.toLowerCase(Locale.ROOT);
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
    return new ServiceTarget(scheme, authority, service, namespace, svc, zone, absolute, port);
  }

  /** Checks the parts of a {@link ServiceTarget}; throws naming the first bad one. */
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
    if (scheme.equals(Target.STATIC) || !Target.KNOWN_SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" (expected one of: "
              + String.join(
                  ", ",
                  Target.KNOWN_SCHEMES.stream().filter(s -> !s.equals(Target.STATIC)).toList())
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
    validateAuthority(scheme, authority);
  }

  private static void validateAuthority(String scheme, String authority) {
    switch (scheme) {
      case Target.K8S -> {
        if (!authority.isEmpty()) {
          throw new IllegalArgumentException(
              "authority: \""
                  + authority
                  + "\" on scheme k8s (expected: none, as in k8s:///web.shop; to name a server use"
                  + " k8s+dns://<dns-server>/... or k8s+api://<api-server>/...)");
        }
      }
      case Target.K8S_DNS, Target.K8S_API -> {
        if (!authority.isEmpty()) {
          parseHostPort(authority, scheme.equals(Target.K8S_DNS) ? "DNS server" : "API server");
        }
      }
      default -> {
        // fake: any label the test chooses
      }
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
      InetAddress a = Addresses.parseLiteral(host);
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
    InetAddress a = Addresses.parseLiteral(host);
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
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(Character::isDigit)) {
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
  static String labelProblem(String label, boolean mustStartWithLetter) {
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
