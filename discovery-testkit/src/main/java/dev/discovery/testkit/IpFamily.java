package dev.discovery.testkit;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IP family: a Service's {@code ipFamilies} entry, and an EndpointSlice's {@code addressType}.
 *
 * @since 0.1
 */
public enum IpFamily {
  IPV4("IPv4"),
  IPV6("IPv6");

  private final String kubernetesName;

  IpFamily(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** The family of {@code address}. */
  public static IpFamily of(InetAddress address) {
    return address instanceof Inet6Address ? IPV6 : IPV4;
  }

  /** {@code IPv4} or {@code IPv6}, as the Kubernetes API writes it. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
