package dev.discovery.testkit;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An EndpointSlice ({@code discovery.k8s.io/v1}) as {@link FakeCluster} derives it from a Service's
 * selector, the way Kubernetes' EndpointSlice controller does:
 *
 * <ul>
 *   <li>one slice per address type and set of ports (a named {@code targetPort} can resolve to
 *       different numbers in different pods), at most {@link FakeCluster#maxEndpointsPerSlice()}
 *       (default 100) endpoints each;
 *   <li>a changed pod is updated in the slice that holds it, a new pod goes into a slice with room,
 *       and only slices that change get a new {@link #resourceVersion()};
 *   <li>a Service with a selector and no endpoints keeps one empty placeholder slice;
 *   <li>conditions: {@code serving} is the pod's Ready condition, {@code terminating} whether it is
 *       shutting down, {@code ready} is {@code serving && !terminating}, or always {@code true}
 *       when the Service sets {@code publishNotReadyAddresses}.
 * </ul>
 *
 * @param namespace the Service's namespace
 * @param name a name generated from the Service's ({@code web-00001})
 * @param serviceName the {@code kubernetes.io/service-name} label
 * @param addressType IPv4 or IPv6
 * @param endpoints the endpoints
 * @param ports the ports, as numbers in the pods (the resolved target ports)
 * @param resourceVersion the cluster's resource version when this slice last changed
 * @since 0.1
 */
public record EndpointSlice(
    String namespace,
    String name,
    String serviceName,
    IpFamily addressType,
    List<Endpoint> endpoints,
    List<Port> ports,
    long resourceVersion)
    implements ClusterObject {

  /** The label naming a slice's Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The label naming who manages a slice. */
  public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY_LABEL} on slices the controller derives. */
  public static final String CONTROLLER = "endpointslice-controller.k8s.io";

  public EndpointSlice {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(addressType, "addressType");
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
  }

  /** The slice's labels: the Service's name and the managing controller. */
  public Map<String, String> labels() {
    return Map.of(SERVICE_NAME_LABEL, serviceName, MANAGED_BY_LABEL, CONTROLLER);
  }

  /** The port named {@code name} ({@code null} for the unnamed one), or {@code null}. */
  public Port port(String name) {
    for (Port p : ports) {
      if (Objects.equals(name, p.name())) {
        return p;
      }
    }
    return null;
  }

  /**
   * One endpoint: a pod's address with its conditions and topology.
   *
   * @param address the pod's IP of the slice's address type
   * @param ready whether it should receive traffic
   * @param serving whether it can serve (the pod's Ready condition)
   * @param terminating whether the pod is shutting down
   * @param hostname the pod's hostname when its subdomain is this Service, else {@code null}
   * @param nodeName the pod's node, or {@code null}
   * @param zone the pod's zone (its own, else its node's), or {@code null}
   * @param podName the pod ({@code targetRef})
   */
  public record Endpoint(
      InetAddress address,
      boolean ready,
      boolean serving,
      boolean terminating,
      String hostname,
      String nodeName,
      String zone,
      String podName) {
    public Endpoint {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(podName, "podName");
    }

    /** {@code addresses}: the one address, as the API lists it. */
    public List<InetAddress> addresses() {
      return List.of(address);
    }
  }

  /**
   * One port of a slice.
   *
   * @param name the Service port's name, or {@code null} when unnamed
   * @param protocol the protocol
   * @param port the port number in the pods
   * @param appProtocol the Service port's {@code appProtocol}, or {@code null}
   */
  public record Port(String name, Protocol protocol, int port, String appProtocol) {
    public Port {
      Objects.requireNonNull(protocol, "protocol");
    }
  }
}
