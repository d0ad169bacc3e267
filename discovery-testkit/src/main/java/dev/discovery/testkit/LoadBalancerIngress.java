package dev.discovery.testkit;

import java.net.InetAddress;

/**
 * One entry of a LoadBalancer Service's {@code status.loadBalancer.ingress}: an IP or a hostname.
 *
 * @param ip the ingress IP, or {@code null}
 * @param hostname the ingress hostname, or {@code null}
 * @since 0.1
 */
public record LoadBalancerIngress(InetAddress ip, String hostname) {
  /**
   * @throws IllegalArgumentException unless exactly one of ip and hostname is set
   */
  public LoadBalancerIngress {
    if ((ip == null) == (hostname == null)) {
      throw new IllegalArgumentException(
          "load balancer ingress: ip="
              + ip
              + " hostname="
              + hostname
              + " (expected: exactly one of ip and hostname)");
    }
    if (hostname != null) {
      dev.discovery.testkit.internal.Validation.dns1123Subdomain(
          "load balancer ingress hostname", hostname);
    }
  }
}
