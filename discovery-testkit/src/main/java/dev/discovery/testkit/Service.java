package dev.discovery.testkit;

import dev.discovery.spi.ServicePort;
import dev.discovery.testkit.internal.Validation;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Service of any type, built with one factory per shape:
 *
 * <pre>{@code
 * Service.clusterIp("shop", "api").selector("app", "api").port("grpc", 443, "grpc").build();
 * Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build();
 * Service.nodePort("shop", "front").selector("app", "front").port(Service.Port.of("http", 80).nodePort(30080)).build();
 * Service.loadBalancer("shop", "edge").selector("app", "edge").port("https", 443).build();
 * Service.externalName("shop", "db", "db.example.com").build();
 * }</pre>
 *
 * <p>Fields left empty are filled in when the Service is applied to a {@link FakeCluster}, as the
 * API server would: a ClusterIP (a {@code 127.1.x.y} address), node ports, a load balancer ingress
 * IP. {@link FakeCluster#apply(Service)} returns the Service as stored.
 *
 * @param namespace a DNS-1123 label
 * @param name a DNS-1035 label
 * @param type the type
 * @param headless whether {@code clusterIP: None} (only with {@link ServiceType#CLUSTER_IP})
 * @param clusterIps the ClusterIPs (one per family); empty when headless or ExternalName, or not
 *     allocated yet
 * @param ipFamilies the families its EndpointSlices are made for, primary first
 * @param selector the pod selector; empty means none (endpoints are then managed by hand)
 * @param ports the ports
 * @param externalName the CNAME target of an ExternalName Service, or {@code null}
 * @param publishNotReadyAddresses whether not-ready pods are published as ready
 * @param sessionAffinity {@code None} or {@code ClientIP}
 * @param sessionAffinityTimeout the ClientIP affinity timeout, or {@code null} without affinity
 * @param loadBalancerIngress a LoadBalancer's ingress points
 * @param internalTrafficPolicy {@code spec.internalTrafficPolicy} (default {@code Cluster})
 * @param trafficDistribution {@code spec.trafficDistribution}: {@code PreferClose}, {@code
 *     PreferSameZone}, {@code PreferSameNode}, or {@code null}
 * @since 0.1
 */
public record Service(
    String namespace,
    String name,
    ServiceType type,
    boolean headless,
    List<InetAddress> clusterIps,
    List<IpFamily> ipFamilies,
    Map<String, String> selector,
    List<Port> ports,
    String externalName,
    boolean publishNotReadyAddresses,
    SessionAffinity sessionAffinity,
    Duration sessionAffinityTimeout,
    List<LoadBalancerIngress> loadBalancerIngress,
    TrafficPolicy internalTrafficPolicy,
    String trafficDistribution)
    implements ClusterObject {

  /** Kubernetes' default ClientIP affinity timeout: 10800 seconds (3 hours). */
  public static final Duration DEFAULT_AFFINITY_TIMEOUT = Duration.ofSeconds(10800);

  /** The {@code trafficDistribution} values of Kubernetes 1.34. */
  public static final List<String> TRAFFIC_DISTRIBUTIONS =
      List.of("PreferClose", "PreferSameZone", "PreferSameNode");

  /** {@code spec.internalTrafficPolicy}: all endpoints, or only those on the client's node. */
  public enum TrafficPolicy {
    CLUSTER("Cluster"),
    LOCAL("Local");

    private final String kubernetesName;

    TrafficPolicy(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /** {@code Cluster} or {@code Local}, as the Kubernetes API writes it. */
    public String kubernetesName() {
      return kubernetesName;
    }
  }

  /** {@code spec.sessionAffinity}. */
  public enum SessionAffinity {
    NONE,
    CLIENT_IP
  }

  /**
   * @throws IllegalArgumentException if a field is invalid (the message names it)
   */
  public Service {
    Validation.dns1123Label("service namespace", namespace);
    Validation.dns1035Label("service name", name);
    String id = "service " + namespace + "/" + name;
    Objects.requireNonNull(type, "type");
    clusterIps = List.copyOf(clusterIps);
    ipFamilies = List.copyOf(ipFamilies);
    selector = Validation.labels(id + " selector", selector);
    ports = List.copyOf(ports);
    loadBalancerIngress = List.copyOf(loadBalancerIngress);
    Objects.requireNonNull(sessionAffinity, "sessionAffinity");
    Objects.requireNonNull(internalTrafficPolicy, "internalTrafficPolicy");
    if (trafficDistribution != null && !TRAFFIC_DISTRIBUTIONS.contains(trafficDistribution)) {
      throw Validation.invalid(
          id + " trafficDistribution",
          Validation.quote(trafficDistribution),
          "PreferClose, PreferSameZone or PreferSameNode");
    }
    if (headless && type != ServiceType.CLUSTER_IP) {
      throw Validation.invalid(
          id + " clusterIP",
          "None with type " + type.kubernetesName(),
          "headless only for ClusterIP");
    }
    if (headless && !clusterIps.isEmpty()) {
      throw Validation.invalid(id + " clusterIPs", clusterIps.toString(), "none when headless");
    }
    if (type == ServiceType.EXTERNAL_NAME) {
      if (externalName == null) {
        throw Validation.invalid(
            id + " externalName", "missing", "a DNS name such as db.example.com");
      }
      if (!clusterIps.isEmpty()) {
        throw Validation.invalid(
            id + " clusterIPs", clusterIps.toString(), "none for an ExternalName Service");
      }
      String target =
          externalName.endsWith(".")
              ? externalName.substring(0, externalName.length() - 1)
              : externalName;
      Validation.dns1123Subdomain(id + " externalName", target);
      externalName = target;
    } else if (externalName != null) {
      throw Validation.invalid(
          id + " externalName", Validation.quote(externalName), "only with type ExternalName");
    }
    checkFamilies(id, clusterIps, ipFamilies);
    checkPorts(id, type, headless, ports);
    if (sessionAffinity == SessionAffinity.CLIENT_IP) {
      if (sessionAffinityTimeout == null) {
        sessionAffinityTimeout = DEFAULT_AFFINITY_TIMEOUT;
      }
      long s = sessionAffinityTimeout.getSeconds();
      if (s < 1 || s > 86400 || sessionAffinityTimeout.getNano() != 0) {
        throw Validation.invalid(
            id + " sessionAffinityConfig.clientIP.timeoutSeconds",
            sessionAffinityTimeout.toString(),
            "whole seconds in 1..86400");
      }
    } else if (sessionAffinityTimeout != null) {
      throw Validation.invalid(
          id + " sessionAffinityConfig",
          sessionAffinityTimeout.toString(),
          "only with ClientIP affinity");
    }
    if (!loadBalancerIngress.isEmpty() && type != ServiceType.LOAD_BALANCER) {
      throw Validation.invalid(
          id + " loadBalancer ingress",
          loadBalancerIngress.toString(),
          "only with type LoadBalancer");
    }
  }

  /** This Service with ClusterIPs, ports and ingress as the cluster stores it. */
  Service withAllocations(
      List<InetAddress> clusterIps, List<Port> ports, List<LoadBalancerIngress> ingress) {
    return new Service(
        namespace,
        name,
        type,
        headless,
        clusterIps,
        ipFamilies,
        selector,
        ports,
        externalName,
        publishNotReadyAddresses,
        sessionAffinity,
        sessionAffinityTimeout,
        ingress,
        internalTrafficPolicy,
        trafficDistribution);
  }

  private static void checkFamilies(String id, List<InetAddress> ips, List<IpFamily> families) {
    if (new HashSet<>(families).size() != families.size()) {
      throw Validation.invalid(id + " ipFamilies", families.toString(), "each family once");
    }
    Set<IpFamily> seen = new HashSet<>();
    for (InetAddress ip : ips) {
      if (!seen.add(IpFamily.of(ip))) {
        throw Validation.invalid(id + " clusterIPs", ips.toString(), "at most one per family");
      }
      if (!families.isEmpty() && !families.contains(IpFamily.of(ip))) {
        throw Validation.invalid(
            id + " clusterIPs", ips.toString(), "addresses of the ipFamilies " + families);
      }
    }
  }

  private static void checkPorts(String id, ServiceType type, boolean headless, List<Port> ports) {
    if (ports.isEmpty() && !headless && type != ServiceType.EXTERNAL_NAME) {
      throw Validation.invalid(
          id + " ports",
          "none",
          "at least one port (only headless and ExternalName Services may have none)");
    }
    Set<String> names = new HashSet<>();
    Set<String> numbers = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Port p = ports.get(i);
      String field = id + " ports[" + i + "]";
      if (ports.size() > 1 && p.name() == null) {
        throw Validation.invalid(
            field + ".name", "missing", "a name on every port when there are several");
      }
      if (p.name() != null && !names.add(p.name())) {
        throw Validation.invalid(
            field + ".name", Validation.quote(p.name()), "a name no other port has");
      }
      if (!numbers.add(p.port() + "/" + p.protocol())) {
        throw Validation.invalid(
            field + ".port",
            p.port() + "/" + p.protocol(),
            "a port and protocol no other port has");
      }
      if (p.nodePort() != 0 && type != ServiceType.NODE_PORT && type != ServiceType.LOAD_BALANCER) {
        throw Validation.invalid(
            field + ".nodePort",
            Integer.toString(p.nodePort()),
            "only with type NodePort or LoadBalancer");
      }
    }
  }

  /** A ClusterIP Service (the default type). */
  public static Builder clusterIp(String namespace, String name) {
    return new Builder(namespace, name, ServiceType.CLUSTER_IP, false);
  }

  /** A headless Service ({@code clusterIP: None}): DNS answers with the ready pods' IPs. */
  public static Builder headless(String namespace, String name) {
    return new Builder(namespace, name, ServiceType.CLUSTER_IP, true);
  }

  /** A NodePort Service. */
  public static Builder nodePort(String namespace, String name) {
    return new Builder(namespace, name, ServiceType.NODE_PORT, false);
  }

  /** A LoadBalancer Service. */
  public static Builder loadBalancer(String namespace, String name) {
    return new Builder(namespace, name, ServiceType.LOAD_BALANCER, false);
  }

  /** An ExternalName Service: a CNAME to {@code externalName}. */
  public static Builder externalName(String namespace, String name, String externalName) {
    Builder b = new Builder(namespace, name, ServiceType.EXTERNAL_NAME, false);
    b.externalName = Objects.requireNonNull(externalName, "externalName");
    return b;
  }

  /** A builder starting from this Service. */
  public Builder toBuilder() {
    Builder b = new Builder(namespace, name, type, headless);
    b.clusterIps.addAll(clusterIps);
    b.ipFamilies.addAll(ipFamilies);
    b.selector.putAll(selector);
    b.ports.addAll(ports);
    b.externalName = externalName;
    b.publishNotReadyAddresses = publishNotReadyAddresses;
    b.sessionAffinity = sessionAffinity;
    b.sessionAffinityTimeout = sessionAffinityTimeout;
    b.loadBalancerIngress.addAll(loadBalancerIngress);
    b.internalTrafficPolicy = internalTrafficPolicy;
    b.trafficDistribution = trafficDistribution;
    return b;
  }

  /** The port named {@code name}, or {@code null}. */
  public Port port(String name) {
    for (Port p : ports) {
      if (name.equals(p.name())) {
        return p;
      }
    }
    return null;
  }

  /** The first ClusterIP, or {@code null} (headless, ExternalName). */
  public InetAddress clusterIp() {
    return clusterIps.isEmpty() ? null : clusterIps.get(0);
  }

  /** {@code <name>.<namespace>.svc.<zone>} without the trailing dot. */
  public String dnsName(String zone) {
    return name + "." + namespace + ".svc." + zone;
  }

  /**
   * One Service port.
   *
   * @param name the port's name (a DNS-1123 label), or {@code null} when it is the only port
   * @param protocol the protocol
   * @param port the Service port
   * @param targetPort the pod port: a number, or a container port name looked up in each pod
   * @param nodePort the node port of a NodePort or LoadBalancer Service; 0 for none or "allocate"
   * @param appProtocol {@code appProtocol}, or {@code null}
   */
  public record Port(
      String name,
      Protocol protocol,
      int port,
      ServicePort targetPort,
      int nodePort,
      String appProtocol) {

    /**
     * @throws IllegalArgumentException if a field is invalid
     */
    public Port {
      if (name != null) {
        Validation.dns1123Label("service port name", name);
      }
      Objects.requireNonNull(protocol, "protocol");
      Validation.port("service port", port);
      if (targetPort == null) {
        targetPort = new ServicePort.Number(port);
      }
      if (nodePort != 0) {
        Validation.port("nodePort", nodePort);
      }
    }

    /** A TCP port named {@code name} whose target is the same number. */
    public static Port of(String name, int port) {
      return new Port(Objects.requireNonNull(name, "name"), Protocol.TCP, port, null, 0, null);
    }

    /** An unnamed TCP port whose target is the same number (only for a Service's single port). */
    public static Port of(int port) {
      return new Port(null, Protocol.TCP, port, null, 0, null);
    }

    /** This port with target port {@code number}. */
    public Port targetPort(int number) {
      return new Port(name, protocol, port, new ServicePort.Number(number), nodePort, appProtocol);
    }

    /** This port targeting the container port named {@code portName} in each pod. */
    public Port targetPort(String portName) {
      return new Port(name, protocol, port, new ServicePort.Name(portName), nodePort, appProtocol);
    }

    /** This port with {@code protocol}. */
    public Port protocol(Protocol protocol) {
      return new Port(name, protocol, port, targetPort, nodePort, appProtocol);
    }

    /** This port with node port {@code nodePort} (NodePort and LoadBalancer Services). */
    public Port nodePort(int nodePort) {
      return new Port(name, protocol, port, targetPort, nodePort, appProtocol);
    }

    /** This port with {@code appProtocol} such as {@code kubernetes.io/h2c}. */
    public Port appProtocol(String appProtocol) {
      return new Port(name, protocol, port, targetPort, nodePort, appProtocol);
    }

    /** The SRV owner prefix of this port: {@code _grpc._tcp}, or {@code null} when unnamed. */
    public String srvPrefix() {
      return name == null ? null : "_" + name + "." + protocol.srvLabel();
    }
  }

  /** Builds a {@link Service}. */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private final ServiceType type;
    private final boolean headless;
    private final List<InetAddress> clusterIps = new ArrayList<>();
    private final List<IpFamily> ipFamilies = new ArrayList<>();
    private final Map<String, String> selector = new LinkedHashMap<>();
    private final List<Port> ports = new ArrayList<>();
    private String externalName;
    private boolean publishNotReadyAddresses;
    private SessionAffinity sessionAffinity = SessionAffinity.NONE;
    private Duration sessionAffinityTimeout;
    private final List<LoadBalancerIngress> loadBalancerIngress = new ArrayList<>();
    private TrafficPolicy internalTrafficPolicy = TrafficPolicy.CLUSTER;
    private String trafficDistribution;

    private Builder(String namespace, String name, ServiceType type, boolean headless) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      this.name = Objects.requireNonNull(name, "name");
      this.type = type;
      this.headless = headless;
    }

    /** Adds a selector entry: pods with this label are the Service's endpoints. */
    public Builder selector(String key, String value) {
      selector.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Replaces the selector. */
    public Builder selector(Map<String, String> selector) {
      this.selector.clear();
      this.selector.putAll(selector);
      return this;
    }

    /** Adds a named TCP port whose target is the same number. */
    public Builder port(String name, int port) {
      return port(Port.of(name, port));
    }

    /** Adds a named TCP port with a numeric target port. */
    public Builder port(String name, int port, int targetPort) {
      return port(Port.of(name, port).targetPort(targetPort));
    }

    /** Adds a named TCP port whose target is the container port named {@code targetPortName}. */
    public Builder port(String name, int port, String targetPortName) {
      return port(Port.of(name, port).targetPort(targetPortName));
    }

    /** Adds an unnamed TCP port whose target is the same number (only as the single port). */
    public Builder port(int port) {
      return port(Port.of(port));
    }

    /** Adds a port. */
    public Builder port(Port port) {
      ports.add(Objects.requireNonNull(port, "port"));
      return this;
    }

    /** Adds a ClusterIP (a literal); none means one is allocated from {@code 127.1.x.y}. */
    public Builder clusterIp(String ip) {
      clusterIps.add(Validation.ip("service " + namespace + "/" + name + " clusterIP", ip));
      return this;
    }

    /** The IP families, primary first (default: those of the ClusterIPs; headless: both). */
    public Builder ipFamilies(IpFamily... families) {
      ipFamilies.clear();
      ipFamilies.addAll(List.of(families));
      return this;
    }

    /** Publishes not-ready pods as ready (default false). */
    public Builder publishNotReadyAddresses(boolean publish) {
      this.publishNotReadyAddresses = publish;
      return this;
    }

    /** {@code sessionAffinity: ClientIP} with the default timeout (10800 s). */
    public Builder sessionAffinityClientIp() {
      return sessionAffinityClientIp(DEFAULT_AFFINITY_TIMEOUT);
    }

    /** {@code sessionAffinity: ClientIP} with {@code timeout} (1..86400 whole seconds). */
    public Builder sessionAffinityClientIp(Duration timeout) {
      this.sessionAffinity = SessionAffinity.CLIENT_IP;
      this.sessionAffinityTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Adds a load balancer ingress IP (default: one allocated from {@code 127.3.x.y}). */
    public Builder loadBalancerIngressIp(String ip) {
      loadBalancerIngress.add(
          new LoadBalancerIngress(
              Validation.ip("service " + namespace + "/" + name + " ingress ip", ip), null));
      return this;
    }

    /** Adds a load balancer ingress hostname. */
    public Builder loadBalancerIngressHostname(String hostname) {
      loadBalancerIngress.add(new LoadBalancerIngress(null, hostname.toLowerCase(Locale.ROOT)));
      return this;
    }

    /** {@code internalTrafficPolicy} (default {@link TrafficPolicy#CLUSTER}). */
    public Builder internalTrafficPolicy(TrafficPolicy policy) {
      this.internalTrafficPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * {@code trafficDistribution}: {@code PreferClose}, {@code PreferSameZone}, {@code
     * PreferSameNode}, or {@code null} for none (the default).
     */
    public Builder trafficDistribution(String trafficDistribution) {
      this.trafficDistribution = trafficDistribution;
      return this;
    }

    public Service build() {
      List<IpFamily> families = new ArrayList<>(ipFamilies);
      if (families.isEmpty() && type != ServiceType.EXTERNAL_NAME) {
        if (!clusterIps.isEmpty()) {
          clusterIps.forEach(ip -> families.add(IpFamily.of(ip)));
        } else if (headless) {
          families.addAll(List.of(IpFamily.IPV4, IpFamily.IPV6));
        } else {
          families.add(IpFamily.IPV4);
        }
      }
      return new Service(
          namespace,
          name,
          type,
          headless,
          clusterIps,
          families,
          selector,
          ports,
          externalName,
          publishNotReadyAddresses,
          sessionAffinity,
          sessionAffinityTimeout,
          loadBalancerIngress,
          internalTrafficPolicy,
          trafficDistribution);
    }
  }
}
