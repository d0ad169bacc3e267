package dev.discovery.k8s.internal.api;

import dev.discovery.spi.ServicePort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the API source reads of a core/v1 Service.
 *
 * @param namespace {@code metadata.namespace}
 * @param name {@code metadata.name}
 * @param uid {@code metadata.uid}, or null
 * @param resourceVersion {@code metadata.resourceVersion}, or null
 * @param type {@code spec.type}: ClusterIP (the default), NodePort, LoadBalancer or ExternalName
 * @param clusterIPs {@code spec.clusterIPs} (else {@code spec.clusterIP}); empty when headless or
 *     ExternalName
 * @param headless whether {@code spec.clusterIP} is {@code None}
 * @param ports {@code spec.ports}
 * @param externalName {@code spec.externalName}, or null
 * @param sessionAffinity {@code spec.sessionAffinity}: None (the default) or ClientIP
 * @param affinityTimeoutSeconds {@code spec.sessionAffinityConfig.clientIP.timeoutSeconds}, or null
 * @param trafficDistribution {@code spec.trafficDistribution}, or null
 * @param internalTrafficPolicy {@code spec.internalTrafficPolicy}, or null
 * @param externalTrafficPolicy {@code spec.externalTrafficPolicy}, or null
 * @param publishNotReadyAddresses {@code spec.publishNotReadyAddresses} (default false)
 * @param ingress {@code status.loadBalancer.ingress}
 * @param hasSelector whether {@code spec.selector} is set (else its EndpointSlices are hand-made)
 */
public record ServiceObject(
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    String type,
    List<InetAddress> clusterIPs,
    boolean headless,
    List<Port> ports,
    String externalName,
    String sessionAffinity,
    Integer affinityTimeoutSeconds,
    String trafficDistribution,
    String internalTrafficPolicy,
    String externalTrafficPolicy,
    boolean publishNotReadyAddresses,
    List<Ingress> ingress,
    boolean hasSelector) {

  /** The Service type of clusters' default. */
  public static final String CLUSTER_IP = "ClusterIP";

  public static final String NODE_PORT = "NodePort";
  public static final String LOAD_BALANCER = "LoadBalancer";
  public static final String EXTERNAL_NAME = "ExternalName";

  public ServiceObject {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sessionAffinity, "sessionAffinity");
    clusterIPs = List.copyOf(clusterIPs);
    ports = List.copyOf(ports);
    ingress = List.copyOf(ingress);
  }

  /**
   * One of {@code spec.ports}.
   *
   * @param name the port name, {@code ""} when unnamed (a Service's only port may be)
   * @param protocol TCP (the default), UDP or SCTP
   * @param port the Service port
   * @param targetPort the pods' port, a number or a container port name; null when unset (then the
   *     same as {@code port})
   * @param nodePort the node port (NodePort and LoadBalancer Services), or null
   * @param appProtocol the application protocol such as {@code kubernetes.io/h2c}, or null
   */
  public record Port(
      String name,
      String protocol,
      int port,
      ServicePort targetPort,
      Integer nodePort,
      String appProtocol) {

    /** {@code http=80/TCP}, or {@code 80/TCP} when unnamed. */
    @Override
    public String toString() {
      return (name.isEmpty() ? "" : name + "=") + port + "/" + protocol;
    }
  }

  /**
   * One of {@code status.loadBalancer.ingress}: an IP or a host name (some cloud load balancers
   * give only a name).
   */
  public record Ingress(InetAddress ip, String hostname) {}

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Parses a Service from its JSON; never throws. */
  public static Parsed<ServiceObject> parse(Map<String, Object> json) {
    return Parsed.parse("Service", json, ServiceObject::read);
  }

  private static ServiceObject read(Fields root) {
    Fields metadata = root.object("metadata");
    Fields spec = root.object("spec");
    String clusterIP = spec.string("clusterIP");
    boolean headless = "None".equals(clusterIP);
    List<InetAddress> clusterIPs = new ArrayList<>();
    if (!headless) {
      if (spec.raw("clusterIPs") != null) {
        clusterIPs.addAll(spec.ips("clusterIPs", null));
      } else if (clusterIP != null && !clusterIP.isEmpty()) {
        clusterIPs.add(spec.ip("clusterIP"));
      }
    }
    List<Port> ports = new ArrayList<>();
    for (Fields p : spec.objects("ports")) {
      ports.add(readPort(p));
    }
    List<Ingress> ingress = new ArrayList<>();
    for (Fields i : root.object("status").object("loadBalancer").objects("ingress")) {
      InetAddress ip = i.ip("ip");
      String hostname = i.string("hostname");
      if (ip == null && (hostname == null || hostname.isEmpty())) {
        throw i.malformedAt("ip", null, "an ip or a hostname");
      }
      ingress.add(new Ingress(ip, ip == null ? hostname : null));
    }
    String type = spec.string("type");
    String affinity = spec.string("sessionAffinity");
    return new ServiceObject(
        metadata.string("namespace") == null ? "" : metadata.string("namespace"),
        metadata.requiredString("name"),
        metadata.string("uid"),
        metadata.string("resourceVersion"),
        type == null || type.isEmpty() ? CLUSTER_IP : type,
        clusterIPs,
        headless,
        ports,
        spec.string("externalName"),
        affinity == null || affinity.isEmpty() ? "None" : affinity,
        spec.object("sessionAffinityConfig").object("clientIP").integer("timeoutSeconds", 1, 86400),
        spec.string("trafficDistribution"),
        spec.string("internalTrafficPolicy"),
        spec.string("externalTrafficPolicy"),
        Boolean.TRUE.equals(spec.bool("publishNotReadyAddresses")),
        ingress,
        !spec.stringMap("selector").isEmpty());
  }

  private static Port readPort(Fields p) {
    Integer port = p.integer("port", 1, 65535);
    if (port == null) {
      throw p.malformedAt("port", null, "1..65535");
    }
    Object target = p.raw("targetPort");
    ServicePort targetPort;
    if (target == null) {
      targetPort = null;
    } else if (target instanceof String s) {
      try {
        targetPort = ServicePort.parse(s);
      } catch (IllegalArgumentException e) {
        throw p.malformedAt("targetPort", s, "a port number or an IANA port name");
      }
    } else {
      targetPort = new ServicePort.Number(p.integer("targetPort", 1, 65535));
    }
    String name = p.string("name");
    String protocol = p.string("protocol");
    return new Port(
        name == null ? "" : name,
        protocol == null || protocol.isEmpty() ? "TCP" : protocol,
        port,
        targetPort,
        p.integer("nodePort", 1, 65535),
        p.string("appProtocol"));
  }
}
