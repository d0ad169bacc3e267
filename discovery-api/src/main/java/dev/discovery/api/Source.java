package dev.discovery.api;

import java.util.Objects;

/**
 * Which source produced an {@link EndpointSet}, and why that one.
 *
 * @param name a short name: {@code dns}, {@code api}, {@code static}, {@code fake}
 * @param reason why this source was chosen, such as {@code API source not installed}; empty when
 *     the target forced the source
 * @since 0.1
 */
public record Source(String name, String reason) {
  public Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reason, "reason");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: empty (expected: a source name such as dns)");
    }
  }

  /** A source with no reason attached. */
  public static Source of(String name) {
    return new Source(name, "");
  }

  /** This source with {@code reason}. */
  public Source withReason(String reason) {
    return new Source(name, reason);
  }

  /** {@code dns}, or {@code dns (API source not installed)}. */
  @Override
  public String toString() {
    return reason.isEmpty() ? name : name + " (" + reason + ")";
  }
}
