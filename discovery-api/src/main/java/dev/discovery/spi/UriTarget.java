package dev.discovery.spi;

import dev.discovery.api.Target;
import java.util.Locale;
import java.util.Objects;

/**
 * A target of the generic form {@code <scheme>://[authority]/<path>}: what {@link
 * ResolverProvider#parse(String)} returns unless a provider defines a grammar of its own. The path
 * is kept as written; the scheme and authority in lower case.
 *
 * @param scheme the scheme, a letter then letters, digits, {@code + - .} (RFC 3986)
 * @param authority the authority, or empty
 * @param path what follows the authority's {@code /}, possibly empty
 * @since 0.1
 */
public record UriTarget(String scheme, String authority, String path) implements Target {

  /**
   * @throws IllegalArgumentException if the scheme is not an RFC 3986 scheme or a part holds a
   *     character a target cannot hold
   */
  public UriTarget {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(path, "path");
    scheme = checkScheme(scheme, scheme + "://" + authority + "/" + path);
    authority = authority.toLowerCase(Locale.ROOT);
    if (authority.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "authority: \"" + authority + "\" has '/' (expected: host[:port] or empty)");
    }
  }

  /**
   * Parses {@code <scheme>://[authority]/<path>}.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  public static UriTarget parse(String target) {
    String scheme = schemeOf(target);
    String rest = target.substring(scheme.length() + 3);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "target: \""
              + target
              + "\" has no '/' after the authority (expected: "
              + scheme
              + "://[authority]/<path>)");
    }
    return new UriTarget(scheme, rest.substring(0, slash), rest.substring(slash + 1));
  }

  /**
   * The scheme of {@code target} in lower case: the text before {@code ://}.
   *
   * @throws IllegalArgumentException if there is none or it is not an RFC 3986 scheme
   */
  public static String schemeOf(String target) {
    Objects.requireNonNull(target, "target");
    int sep = target.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException(
          "target: \""
              + target
              + "\" has no scheme (expected: <scheme>://[authority]/<path>, e.g."
              + " k8s:///web.shop:grpc or static:///10.0.0.1:80)");
    }
    return checkScheme(target.substring(0, sep), target);
  }

  private static String checkScheme(String scheme, String target) {
    boolean ok = !scheme.isEmpty() && isAsciiLetter(scheme.charAt(0));
    for (int i = 1; ok && i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      ok = isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "scheme: \""
              + scheme
              + "\" in \""
              + target
              + "\" (expected: an ASCII letter, then letters, digits, '+', '-' or '.')");
    }
    return scheme.toLowerCase(Locale.ROOT);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  @Override
  public String serviceAuthority() {
    return path;
  }

  @Override
  public String toString() {
    return scheme + "://" + authority + "/" + path;
  }
}
