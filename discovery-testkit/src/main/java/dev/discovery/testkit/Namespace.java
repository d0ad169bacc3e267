package dev.discovery.testkit;

import dev.discovery.testkit.internal.Validation;

/**
 * A namespace. {@link FakeCluster} creates one when an object is applied to it.
 *
 * @param name a DNS-1123 label
 * @since 0.1
 */
public record Namespace(String name) implements ClusterObject {
  /**
   * @throws IllegalArgumentException if the name is not a DNS-1123 label
   */
  public Namespace {
    Validation.dns1123Label("namespace", name);
  }

  /** Always {@code null}: namespaces are cluster-scoped. */
  @Override
  public String namespace() {
    return null;
  }
}
