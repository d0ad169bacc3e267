package dev.discovery.testkit;

import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An EndpointSlice ({@code discovery.k8s.io/v1}): derived by {@link FakeCluster} from a Service's
 * selector, the way Kubernetes' EndpointSlice controller derives it, or made by hand and applied
 * with {@link ClusterMutations#apply(EndpointSlice)}.
 *
 * <p>The controller's slices ({@link #managedBy()} {@link #CONTROLLER}):
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
 *       when the Service sets {@code publishNotReadyAddresses};
 *   <li>hints: with the Service's {@code trafficDistribution} {@code PreferClose} or {@code
 *       PreferSameZone}, each ready endpoint with a zone gets {@code forZones: [its zone]}; with
 *       {@code PreferSameNode} also {@code forNodes: [its node]} (Kubernetes 1.34).
 * </ul>
 *
 * <p>A hand-made slice ({@link #builder}) names its Service by the {@value #SERVICE_NAME_LABEL}
 * label, like any slice; the Service need not exist nor have a selector, and its endpoints may also
 * be listed in other slices. The controller never touches slices of another manager.
 *
 * @param namespace the Service's namespace
 * @param name the slice's name; the controller generates one from the Service's ({@code web-00001})
 * @param serviceName the {@value #SERVICE_NAME_LABEL} label
 * @param addressType IPv4 or IPv6
 * @param endpoints the endpoints
 * @param ports the ports, as numbers in the pods (the resolved target ports)
 * @param resourceVersion the cluster's resource version when this slice last changed
 * @param managedBy the {@value #MANAGED_BY_LABEL} label: {@link #CONTROLLER} for derived slices,
 *     another manager or {@code null} (no label) for hand-made ones
 * @param labels every label, the two above included
 * @param ownerUid the uid of the Service that owns the slice ({@code ownerReferences}), set by the
 *     controller on its slices; {@code null} for hand-made ones
 * @since 0.1
 */
public record EndpointSlice(
    String namespace,
    String name,
    String serviceName,
    IpFamily addressType,
    List<Endpoint> endpoints,
    List<Port> ports,
    long resourceVersion,
    String managedBy,
    Map<String, String> labels,
    String ownerUid)
    implements ClusterObject {

  /** The label naming a slice's Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The label naming who manages a slice. */
  public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY_LABEL} on slices the controller derives. */
  public static final String CONTROLLER = "endpointslice-controller.k8s.io";

  /**
   * @throws IllegalArgumentException if a field is invalid, or {@code labels} give the Service name
   *     or the manager another value than {@code serviceName} and {@code managedBy}
   */
  public EndpointSlice {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(addressType, "addressType");
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
    String id = "endpointslice " + namespace + "/" + name;
    Map<String, String> all = new LinkedHashMap<>(Objects.requireNonNull(labels, "labels"));
    checkLabel(id, all, SERVICE_NAME_LABEL, serviceName);
    if (managedBy != null) {
      checkLabel(id, all, MANAGED_BY_LABEL, managedBy);
    } else if (all.containsKey(MANAGED_BY_LABEL)) {
      throw Validation.invalid(
          id + " labels " + MANAGED_BY_LABEL,
          Validation.quote(all.get(MANAGED_BY_LABEL)),
          "no such label when managedBy is null");
    }
    labels = Validation.labels(id + " labels", all);
    for (int i = 0; i < endpoints.size(); i++) {
      InetAddress a = endpoints.get(i).address();
      if (IpFamily.of(a) != addressType) {
        throw Validation.invalid(
            id + " endpoints[" + i + "].addresses",
            a.getHostAddress(),
            "addresses of the addressType " + addressType.kubernetesName());
      }
    }
  }

  private static void checkLabel(String id, Map<String, String> labels, String key, String value) {
    String given = labels.putIfAbsent(key, value);
    if (given != null && !given.equals(value)) {
      throw Validation.invalid(
          id + " labels " + key, Validation.quote(given), Validation.quote(value));
    }
  }

  /**
   * A builder for a hand-made slice of Service {@code serviceName}: no manager label, IPv4 unless
   * its first endpoint is IPv6.
   */
  public static Builder builder(String namespace, String name, String serviceName) {
    return new Builder(namespace, name, serviceName);
  }

  /** This slice with {@code resourceVersion}. */
  public EndpointSlice withResourceVersion(long resourceVersion) {
    return new EndpointSlice(
        namespace,
        name,
        serviceName,
        addressType,
        endpoints,
        ports,
        resourceVersion,
        managedBy,
        labels,
        ownerUid);
  }

  /** Whether the EndpointSlice controller manages this slice. */
  public boolean managedByController() {
    return CONTROLLER.equals(managedBy);
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
   * One endpoint: an address with its conditions and topology.
   *
   * @param address the address, of the slice's address type
   * @param ready whether it should receive traffic
   * @param serving whether it can serve (the pod's Ready condition)
   * @param terminating whether the pod is shutting down
   * @param hostname the pod's hostname when its subdomain is this Service, else {@code null}
   * @param nodeName the pod's node, or {@code null}
   * @param zone the pod's zone (its own, else its node's), or {@code null}
   * @param podName the pod ({@code targetRef}), or {@code null} for an endpoint without one
   * @param podUid the pod's uid ({@code targetRef.uid}), or {@code null}
   * @param forZones {@code hints.forZones}: the zones that should consume it (empty for none)
   * @param forNodes {@code hints.forNodes}: the nodes that should consume it (empty for none)
   */
  public record Endpoint(
      InetAddress address,
      boolean ready,
      boolean serving,
      boolean terminating,
      String hostname,
      String nodeName,
      String zone,
      String podName,
      String podUid,
      List<String> forZones,
      List<String> forNodes) {
    public Endpoint {
      Objects.requireNonNull(address, "address");
      forZones = List.copyOf(forZones);
      forNodes = List.copyOf(forNodes);
      if (podUid != null && podName == null) {
        throw Validation.invalid(
            "endpoint " + address.getHostAddress() + " podUid", podUid, "only with a podName");
      }
    }

    /** A builder of a ready, serving endpoint at {@code ip} (a literal), for hand-made slices. */
    public static Builder builder(String ip) {
      return new Builder(Validation.ip("endpoint address", ip));
    }

    /** A ready, serving endpoint at {@code ip} (a literal), without topology or target. */
    public static Endpoint of(String ip) {
      return builder(ip).build();
    }

    /** {@code addresses}: the one address, as the API lists it. */
    public List<InetAddress> addresses() {
      return List.of(address);
    }

    /** Builds an {@link Endpoint}. */
    public static final class Builder {
      private final InetAddress address;
      private boolean ready = true;
      private boolean serving = true;
      private boolean terminating;
      private String hostname;
      private String nodeName;
      private String zone;
      private String podName;
      private String podUid;
      private final List<String> forZones = new ArrayList<>();
      private final List<String> forNodes = new ArrayList<>();

      private Builder(InetAddress address) {
        this.address = address;
      }

      /** The conditions (default ready, serving, not terminating). */
      public Builder conditions(boolean ready, boolean serving, boolean terminating) {
        this.ready = ready;
        this.serving = serving;
        this.terminating = terminating;
        return this;
      }

      /** {@code hostname}. */
      public Builder hostname(String hostname) {
        this.hostname = hostname;
        return this;
      }

      /** {@code nodeName}. */
      public Builder nodeName(String nodeName) {
        this.nodeName = nodeName;
        return this;
      }

      /** {@code zone}. */
      public Builder zone(String zone) {
        this.zone = zone;
        return this;
      }

      /** {@code targetRef}: pod {@code name} with {@code uid} ({@code null} when unknown). */
      public Builder pod(String name, String uid) {
        this.podName = name;
        this.podUid = uid;
        return this;
      }

      /** Adds a zone to {@code hints.forZones}. */
      public Builder forZone(String zone) {
        forZones.add(Objects.requireNonNull(zone, "zone"));
        return this;
      }

      /** Adds a node to {@code hints.forNodes}. */
      public Builder forNode(String node) {
        forNodes.add(Objects.requireNonNull(node, "node"));
        return this;
      }

      public Endpoint build() {
        return new Endpoint(
            address,
            ready,
            serving,
            terminating,
            hostname,
            nodeName,
            zone,
            podName,
            podUid,
            forZones,
            forNodes);
      }
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

  /** Builds a hand-made {@link EndpointSlice}. */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private final String serviceName;
    private IpFamily addressType;
    private String managedBy;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Port> ports = new ArrayList<>();

    private Builder(String namespace, String name, String serviceName) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      this.name = Objects.requireNonNull(name, "name");
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    /** The address type (default: the first endpoint's, else IPv4). */
    public Builder addressType(IpFamily addressType) {
      this.addressType = Objects.requireNonNull(addressType, "addressType");
      return this;
    }

    /**
     * The {@value #MANAGED_BY_LABEL} label (default none); never {@link #CONTROLLER}, whose slices
     * the cluster derives itself.
     */
    public Builder managedBy(String managedBy) {
      this.managedBy = managedBy;
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a ready, serving endpoint at {@code ip}. */
    public Builder endpoint(String ip) {
      return endpoint(Endpoint.of(ip));
    }

    /** Adds an endpoint. */
    public Builder endpoint(Endpoint endpoint) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /** Adds a TCP port named {@code name} ({@code null} for unnamed). */
    public Builder port(String name, int port) {
      return port(new Port(name, Protocol.TCP, Validation.port("endpointslice port", port), null));
    }

    /** Adds a port. */
    public Builder port(Port port) {
      ports.add(Objects.requireNonNull(port, "port"));
      return this;
    }

    public EndpointSlice build() {
      IpFamily type = addressType;
      if (type == null) {
        type = endpoints.isEmpty() ? IpFamily.IPV4 : IpFamily.of(endpoints.get(0).address());
      }
      return new EndpointSlice(
          namespace, name, serviceName, type, endpoints, ports, 0, managedBy, labels, null);
    }
  }
}
