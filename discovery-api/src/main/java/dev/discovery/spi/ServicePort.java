package dev.discovery.spi;

/**
 * The port part of a Kubernetes target (see discovery-k8s): a number, or the name of one of the
 * Service's ports.
 *
 * @since 0.1
 */
public sealed interface ServicePort permits ServicePort.Number, ServicePort.Name {

  /** A port number, 1..65535. */
  record Number(int value) implements ServicePort {
    /**
     * @throws IllegalArgumentException if {@code value} is outside 1..65535
     */
    public Number {
      if (value < 1 || value > 65535) {
        throw new IllegalArgumentException("port: " + value + " (expected: 1..65535)");
      }
    }

    @Override
    public String toString() {
      return Integer.toString(value);
    }
  }

  /**
   * A port name, as Kubernetes validates it (an IANA service name): 1-15 lower-case letters, digits
   * and {@code -}, with at least one letter, not starting or ending with {@code -} and without
   * {@code --}.
   */
  record Name(String value) implements ServicePort {
    /**
     * @throws IllegalArgumentException if {@code value} is not a valid port name
     */
    public Name {
      String problem = problem(value);
      if (problem != null) {
        throw new IllegalArgumentException(
            "port name: \""
                + value
                + "\" "
                + problem
                + " (expected: an IANA service name: 1-15 characters of a-z, 0-9 and '-',"
                + " with at least one letter, no leading, trailing or double '-')");
      }
    }

    private static String problem(String v) {
      if (v == null || v.isEmpty()) {
        return "is empty";
      }
      if (v.length() > 15) {
        return "is " + v.length() + " characters long";
      }
      boolean letter = false;
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c >= 'a' && c <= 'z') {
          letter = true;
        } else if (!(c >= '0' && c <= '9') && c != '-') {
          return "has '" + c + "'";
        }
      }
      if (!letter) {
        return "has no letter";
      }
      if (v.startsWith("-") || v.endsWith("-")) {
        return "starts or ends with '-'";
      }
      if (v.contains("--")) {
        return "has '--'";
      }
      return null;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** Parses a port number (all digits) or a port name. */
  static ServicePort parse(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (text.length() > 5) {
        throw new IllegalArgumentException("port: " + text + " (expected: 1..65535)");
      }
      return new Number(Integer.parseInt(text));
    }
    return new Name(text);
  }
}
