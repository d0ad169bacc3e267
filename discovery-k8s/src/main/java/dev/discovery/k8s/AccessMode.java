package dev.discovery.k8s;

import java.util.Locale;
import java.util.Objects;

/**
 * How a client reaches a Service's pods through the Kubernetes API source: directly (in the
 * cluster, or wherever pod IPs route) or, from outside the cluster, through its nodes or its load
 * balancer.
 *
 * @since 0.1
 */
public enum AccessMode {
  /**
   * The pods' own addresses from the Service's EndpointSlices, with the target port (the default).
   * A NodePort or LoadBalancer Service is reached through its pods too.
   */
  PODS("pods"),
  /**
   * Each ready node's address with the Service port's {@code nodePort} (kind NODE_PORT): the node's
   * InternalIP addresses, else its ExternalIP ones.
   */
  NODE_PORT("nodePort"),
  /**
   * Each ingress IP of a LoadBalancer Service's {@code status.loadBalancer} with the Service port
   * (kind LOAD_BALANCER).
   */
  LOAD_BALANCER("loadBalancer");

  private final String spelling;

  AccessMode(String spelling) {
    this.spelling = spelling;
  }

  /**
   * How targets and configuration write it: {@code pods}, {@code nodePort}, {@code loadBalancer}.
   */
  public String spelling() {
    return spelling;
  }

  /**
   * Parses {@code pods}, {@code nodePort} or {@code loadBalancer} (in any letter case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static AccessMode parse(String text) {
    Objects.requireNonNull(text, "text");
    for (AccessMode m : values()) {
      if (m.spelling.toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "access mode: \"" + text + "\" (expected: pods, nodePort or loadBalancer)");
  }

  @Override
  public String toString() {
    return spelling;
  }
}
