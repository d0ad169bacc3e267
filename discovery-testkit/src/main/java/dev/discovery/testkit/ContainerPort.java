package dev.discovery.testkit;

import dev.discovery.spi.ServicePort;
import dev.discovery.testkit.internal.Validation;
import java.util.Objects;

/**
 * A port a pod's container listens on; a Service's named {@code targetPort} is looked up among
 * these by name and protocol.
 *
 * @param name an IANA service name (1-15 characters), or {@code null}
 * @param port 1..65535
 * @param protocol the protocol
 * @since 0.1
 */
public record ContainerPort(String name, int port, Protocol protocol) {
  /**
   * @throws IllegalArgumentException if the name or port is invalid
   */
  public ContainerPort {
    if (name != null) {
      new ServicePort.Name(name); // validates as Kubernetes does (IANA_SVC_NAME)
    }
    Validation.port("container port", port);
    Objects.requireNonNull(protocol, "protocol");
  }
}
