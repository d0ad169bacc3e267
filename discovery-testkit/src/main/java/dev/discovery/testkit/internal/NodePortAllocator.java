package dev.discovery.testkit.internal;

import dev.discovery.testkit.Service;
import dev.discovery.testkit.ServiceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node ports of NodePort and LoadBalancer Services, as the API server assigns them: a port
 * given explicitly must be in the range and used by no other Service (for its protocol); a port
 * left 0 keeps the number it had when the Service is applied again, else gets the lowest free one.
 * Stateless: what is taken is read from the other Services.
 */
public final class NodePortAllocator {
  private final int min;
  private final int max;

  /** Node ports from {@code min} to {@code max}, both included. */
  public NodePortAllocator(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /**
   * The ports of {@code service} with their node ports, or its ports as they are when its type has
   * none.
   *
   * @param previous the Service as it was before this apply, or {@code null}
   * @param services every Service of the cluster ({@code service}'s earlier self included)
   * @throws IllegalArgumentException if a node port is out of range, taken, or none is free
   */
  public List<Service.Port> assign(
      Service service, Service previous, Collection<Service> services) {
    if (service.type() != ServiceType.NODE_PORT && service.type() != ServiceType.LOAD_BALANCER) {
      return service.ports();
    }
    String owner = Validation.owner(service);
    Map<String, String> taken = new HashMap<>(); // "30080/TCP" -> owner
    for (Service other : services) {
      if (!Validation.owner(other).equals(owner)) {
        other.ports().stream()
            .filter(p -> p.nodePort() != 0)
            .forEach(p -> taken.put(p.nodePort() + "/" + p.protocol(), Validation.owner(other)));
      }
    }
    List<Service.Port> out = new ArrayList<>();
    List<Service.Port> ports = service.ports();
    for (int i = 0; i < ports.size(); i++) {
      Service.Port p = ports.get(i);
      String field = owner + " ports[" + i + "].nodePort";
      int nodePort = p.nodePort();
      if (nodePort != 0) {
        if (nodePort < min || nodePort > max) {
          throw Validation.invalid(field, Integer.toString(nodePort), min + ".." + max);
        }
        String other = taken.get(nodePort + "/" + p.protocol());
        if (other != null) {
          throw Validation.invalid(
              field,
              nodePort + " is already used by " + other,
              "a node port no other Service uses");
        }
      } else {
        nodePort = previousNodePort(previous, p, taken);
        if (nodePort == 0) {
          nodePort = min;
          while (nodePort <= max && taken.containsKey(nodePort + "/" + p.protocol())) {
            nodePort++;
          }
          if (nodePort > max) {
            throw Validation.invalid(field, "none free", "a free node port in " + min + ".." + max);
          }
        }
      }
      taken.put(nodePort + "/" + p.protocol(), owner);
      out.add(p.nodePort(nodePort));
    }
    return out;
  }

  private static int previousNodePort(Service previous, Service.Port p, Map<String, String> taken) {
    if (previous == null) {
      return 0;
    }
    for (Service.Port old : previous.ports()) {
      if (old.nodePort() != 0
          && Objects.equals(old.name(), p.name())
          && old.protocol() == p.protocol()
          && !taken.containsKey(old.nodePort() + "/" + p.protocol())) {
        return old.nodePort();
      }
    }
    return 0;
  }
}
