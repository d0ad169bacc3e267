package dev.discovery.testkit;

/**
 * A port's transport protocol, as Kubernetes names it.
 *
 * @since 0.1
 */
public enum Protocol {
  TCP,
  UDP,
  SCTP;

  /** The SRV label of this protocol: {@code _tcp}, {@code _udp}, {@code _sctp}. */
  public String srvLabel() {
    return "_" + name().toLowerCase(java.util.Locale.ROOT);
  }
}
