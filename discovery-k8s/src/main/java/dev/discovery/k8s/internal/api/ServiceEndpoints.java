package dev.discovery.k8s.internal.api;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesAttributes;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.ServicePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Assembles a Service's endpoints from its Service object, all its EndpointSlices and (for the
 * {@code nodePort} mode) the Nodes: a pure function of what the watches hold.
 *
 * <p><b>Ports.</b> A port name selects the Service port of that name; a number selects the Service
 * port with that number (TCP preferred when several protocols share it); no port selects the
 * Service's only port. In the {@code pods} mode the endpoint port is then, per slice, the number of
 * the slice's port with that Service port's name (pods may map one name to different numbers), as
 * kube-proxy does; a slice without that port gives nothing. A name or number the Service lacks is a
 * MISCONFIGURED error listing its ports.
 *
 * <p><b>Merging.</b> Endpoints are merged across all the Service's slices, whatever their order:
 * one endpoint per IP and port. When slices disagree about one, it is ready if any says ready,
 * serving if any says serving, terminating only if all say terminating and none says ready. Its
 * hostname, node, zone, pod and hints come from the entries in the best state (ready, else serving,
 * else any): an IP a new pod reuses while the old one still terminates is the new pod's. Among
 * those, each comes from the first slice, in slice-name order, that gives it; the hints are the
 * union. Slices of another Service, and FQDN slices ({@link SliceObject#ignoredReason()}), are left
 * out.
 *
 * <p><b>Service.</b> A missing Service is NOT_FOUND, even with slices (they may be stale); an
 * existing Service with no slices is an empty snapshot.
 */
public final class ServiceEndpoints {
  private static final int DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

  private ServiceEndpoints() {}

  /**
   * What one watch asks.
   *
   * @param namespace the namespace
   * @param service the Service name
   * @param port the target's port, or null for the Service's only port
   * @param mode the access mode
   */
  public record Query(String namespace, String service, ServicePort port, AccessMode mode) {
    public Query {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(mode, "mode");
    }
  }

  /**
   * Assembles the endpoints {@code query} asks for.
   *
   * @param service the Service, or null when it does not exist (or is not listed yet)
   * @param slices the slices of the Service's namespace that carry its name (others are skipped)
   * @param nodes the Nodes; used in the {@code nodePort} mode only
   * @param source the source the snapshot names
   * @param resolvedAt when the snapshot is made
   */
  public static Assembled assemble(
      Query query,
      ServiceObject service,
      Collection<SliceObject> slices,
      Collection<NodeObject> nodes,
      Source source,
      Instant resolvedAt) {
    String key = query.namespace() + "/" + query.service();
    if (service == null) {
      return failed(
          ResolutionError.notFound(
              "Service "
                  + key
                  + ": not found (expected: a Service of that name in that namespace)"));
    }
    if (ServiceObject.EXTERNAL_NAME.equals(service.type())) {
      return externalName(query, service, key);
    }
    if (query.mode() == AccessMode.LOAD_BALANCER
        && !ServiceObject.LOAD_BALANCER.equals(service.type())) {
      return failed(
          ResolutionError.misconfigured(
              "Service "
                  + key
                  + ": type "
                  + service.type()
                  + " has no load balancer (expected: type LoadBalancer for the loadBalancer"
                  + " access mode)"));
    }
    Object selected = selectPort(service, query.port(), key);
    if (selected instanceof ResolutionError error) {
      return failed(error);
    }
    ServiceObject.Port port = (ServiceObject.Port) selected;
    return switch (query.mode()) {
      case PODS -> {
        EndpointSet.Builder b =
            EndpointSet.builder(
                service.headless() ? ServiceKind.HEADLESS : ServiceKind.CLUSTER_IP, source);
        podEndpoints(query, service, slices, port).forEach(b::add);
        yield resolved(b, service, port, resolvedAt);
      }
      case NODE_PORT -> nodePorts(query, service, slices, nodes, port, key, source, resolvedAt);
      case LOAD_BALANCER -> loadBalancer(service, port, key, source, resolvedAt);
    };
  }

  private static Assembled externalName(Query query, ServiceObject service, String key) {
    String name = service.externalName();
    if (name == null || name.isEmpty()) {
      return failed(
          ResolutionError.invalidAnswer(
              "Service "
                  + key
                  + ": type ExternalName without spec.externalName (expected: a DNS name)"));
    }
    return new Assembled.DnsHandOver(
        name,
        ServiceKind.EXTERNAL_NAME,
        query.port(),
        "ExternalName " + key + ": CNAME to " + name);
  }

  /** The Service port the target means, or a MISCONFIGURED error listing the Service's ports. */
  private static Object selectPort(ServiceObject service, ServicePort wanted, String key) {
    List<ServiceObject.Port> ports = service.ports();
    if (ports.isEmpty()) {
      return ResolutionError.misconfigured(
          "port: Service " + key + " has no ports (expected: a Service with a port to call)");
    }
    if (wanted == null) {
      if (ports.size() == 1) {
        return ports.get(0);
      }
      return ResolutionError.misconfigured(
          "port: none in the target and Service "
              + key
              + " has "
              + ports.size()
              + " (expected: one of "
              + list(ports)
              + " in the target, such as "
              + service.name()
              + "."
              + service.namespace()
              + ":"
              + example(ports.get(0))
              + ")");
    }
    ServiceObject.Port found = null;
    for (ServiceObject.Port p : ports) {
      boolean match =
          wanted instanceof ServicePort.Name n
              ? p.name().equals(n.value())
              : p.port() == ((ServicePort.Number) wanted).value();
      if (match
          && (found == null || (!"TCP".equals(found.protocol()) && "TCP".equals(p.protocol())))) {
        found = p;
      }
    }
    if (found == null) {
      return ResolutionError.misconfigured(
          (wanted instanceof ServicePort.Name ? "port name: " : "port: ")
              + wanted
              + " is not a port of Service "
              + key
              + " (expected: one of "
              + list(ports)
              + ")");
    }
    return found;
  }

  private static String list(List<ServiceObject.Port> ports) {
    return ports.stream().map(ServiceObject.Port::toString).collect(Collectors.joining(", "));
  }

  private static String example(ServiceObject.Port p) {
    return p.name().isEmpty() ? Integer.toString(p.port()) : p.name();
  }

  /** The pods' endpoints for {@code port}, merged across slices (see the class comment). */
  private static Collection<Endpoint> podEndpoints(
      Query query, ServiceObject service, Collection<SliceObject> slices, ServiceObject.Port port) {
    List<SliceObject> ordered = new ArrayList<>();
    for (SliceObject s : slices) {
      if (s.namespace().equals(service.namespace())
          && service.name().equals(s.serviceName())
          && s.ignoredReason() == null) {
        ordered.add(s);
      }
    }
    ordered.sort(Comparator.comparing(SliceObject::name));
    Map<InetSocketAddress, Merged> merged = new LinkedHashMap<>();
    for (SliceObject slice : ordered) {
      Integer number = slicePort(slice, port);
      if (number == null) {
        continue;
      }
      for (SliceObject.SliceEndpoint e : slice.endpoints()) {
        for (InetAddress ip : e.addresses()) {
          merged.computeIfAbsent(new InetSocketAddress(ip, number), a -> new Merged()).add(e);
        }
      }
    }
    List<Endpoint> out = new ArrayList<>(merged.size());
    merged.forEach((address, m) -> out.add(m.build(address)));
    return out;
  }

  /** The number of the slice's port named as the Service port, or null when it has none. */
  private static Integer slicePort(SliceObject slice, ServiceObject.Port port) {
    for (SliceObject.SlicePort p : slice.ports()) {
      if (p.name().equals(port.name()) && p.protocol().equals(port.protocol())) {
        return p.port();
      }
    }
    return null;
  }

  private static Assembled nodePorts(
      Query query,
      ServiceObject service,
      Collection<SliceObject> slices,
      Collection<NodeObject> nodes,
      ServiceObject.Port port,
      String key,
      Source source,
      Instant resolvedAt) {
    if (port.nodePort() == null) {
      return failed(
          ResolutionError.misconfigured(
              "port "
                  + port
                  + " of Service "
                  + key
                  + ": no nodePort, the Service is of type "
                  + service.type()
                  + " (expected: type NodePort or LoadBalancer for the nodePort access mode)"));
    }
    // With externalTrafficPolicy Local, only nodes that run a ready endpoint answer.
    Set<String> local = null;
    if ("Local".equals(service.externalTrafficPolicy())) {
      local = new HashSet<>();
      for (Endpoint e : podEndpoints(query, service, slices, port)) {
        if (e.ready() && e.node() != null) {
          local.add(e.node());
        }
      }
    }
    EndpointSet.Builder b = EndpointSet.builder(ServiceKind.NODE_PORT, source);
    Set<InetAddress> seen = new HashSet<>();
    List<NodeObject> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(NodeObject::name));
    for (NodeObject node : sorted) {
      if (!node.ready() || (local != null && !local.contains(node.name()))) {
        continue;
      }
      List<InetAddress> ips = node.addresses(NodeObject.INTERNAL_IP);
      if (ips.isEmpty()) {
        ips = node.addresses(NodeObject.EXTERNAL_IP);
      }
      for (InetAddress ip : ips) {
        if (seen.add(ip)) {
          b.add(Endpoint.builder(ip, port.nodePort()).node(node.name()).zone(node.zone()).build());
        }
      }
    }
    return resolved(b, service, port, resolvedAt);
  }

  private static Assembled loadBalancer(
      ServiceObject service,
      ServiceObject.Port port,
      String key,
      Source source,
      Instant resolvedAt) {
    EndpointSet.Builder b = EndpointSet.builder(ServiceKind.LOAD_BALANCER, source);
    Set<InetAddress> seen = new HashSet<>();
    TreeSet<String> hostnames = new TreeSet<>();
    for (ServiceObject.Ingress i : service.ingress()) {
      if (i.ip() == null) {
        hostnames.add(i.hostname());
      } else if (seen.add(i.ip())) {
        b.add(Endpoint.of(i.ip(), port.port()));
      }
    }
    if (seen.isEmpty() && !hostnames.isEmpty()) {
      return new Assembled.DnsHandOver(
          hostnames.first(),
          ServiceKind.LOAD_BALANCER,
          new ServicePort.Number(port.port()),
          "LoadBalancer " + key + ": ingress host name " + hostnames.first());
    }
    if (seen.isEmpty()) {
      return failed(
          ResolutionError.unavailable(
              "Service "
                  + key
                  + ": status.loadBalancer.ingress is empty (expected: an ingress address, once"
                  + " the load balancer is provisioned)"));
    }
    if (!hostnames.isEmpty()) {
      b.attribute(KubernetesAttributes.LOAD_BALANCER_HOSTNAMES, String.join(",", hostnames));
    }
    return resolved(b, service, port, resolvedAt);
  }

  /** The snapshot with the Service's attributes. */
  private static Assembled resolved(
      EndpointSet.Builder b, ServiceObject service, ServiceObject.Port port, Instant resolvedAt) {
    b.attribute(KubernetesAttributes.TYPE, service.type());
    b.attribute(KubernetesAttributes.SESSION_AFFINITY, service.sessionAffinity());
    if ("ClientIP".equals(service.sessionAffinity())) {
      int timeout =
          service.affinityTimeoutSeconds() == null
              ? DEFAULT_AFFINITY_TIMEOUT_SECONDS
              : service.affinityTimeoutSeconds();
      b.attribute(KubernetesAttributes.SESSION_AFFINITY_TIMEOUT_SECONDS, Integer.toString(timeout));
    }
    if (service.trafficDistribution() != null) {
      b.attribute(KubernetesAttributes.TRAFFIC_DISTRIBUTION, service.trafficDistribution());
    }
    b.attribute(
        KubernetesAttributes.INTERNAL_TRAFFIC_POLICY,
        service.internalTrafficPolicy() == null ? "Cluster" : service.internalTrafficPolicy());
    if (service.externalTrafficPolicy() != null) {
      b.attribute(KubernetesAttributes.EXTERNAL_TRAFFIC_POLICY, service.externalTrafficPolicy());
    }
    b.attribute(
        KubernetesAttributes.PUBLISH_NOT_READY_ADDRESSES,
        Boolean.toString(service.publishNotReadyAddresses()));
    if (port.appProtocol() != null) {
      b.attribute(KubernetesAttributes.APP_PROTOCOL, port.appProtocol());
    }
    return new Assembled.Result(new ResolutionResult.Resolved(b.resolvedAt(resolvedAt).build()));
  }

  private static Assembled failed(ResolutionError error) {
    return new Assembled.Result(new ResolutionResult.Failed(error));
  }

  /** One endpoint as all the slices that carry it say (see the class comment). */
  private static final class Merged {
    private boolean ready;
    private boolean serving;
    private boolean terminating = true;
    private String hostname;
    private String node;
    private String zone;
    private String pod;
    // Made only for endpoints that carry hints: most do not, and a Service is assembled whole.
    private TreeSet<String> forZones;
    private TreeSet<String> forNodes;
    private int detailRank = -1; // the state of the entries the details come from

    void add(SliceObject.SliceEndpoint e) {
      boolean entryReady = e.isReady() && !e.isTerminating();
      ready |= entryReady;
      serving |= e.isServing();
      terminating &= e.isTerminating();
      int rank = entryReady ? 2 : e.isServing() ? 1 : 0;
      if (rank < detailRank) {
        return;
      }
      if (rank > detailRank) {
        detailRank = rank;
        hostname = null;
        node = null;
        zone = null;
        pod = null;
        forZones = null;
        forNodes = null;
      }
      hostname = hostname != null ? hostname : e.hostname();
      node = node != null ? node : e.nodeName();
      zone = zone != null ? zone : e.zone();
      pod = pod != null ? pod : e.pod();
      forZones = union(forZones, e.forZones());
      forNodes = union(forNodes, e.forNodes());
    }

    Endpoint build(InetSocketAddress address) {
      Endpoint.Builder b =
          Endpoint.builder(address.getAddress(), address.getPort())
              .hostname(hostname)
              .node(node)
              .zone(zone)
              .ready(ready)
              .serving(serving)
              .terminating(terminating && !ready);
      if (pod != null) {
        b.attribute(KubernetesAttributes.POD, pod);
      }
      if (forZones != null) {
        b.attribute(KubernetesAttributes.HINTS_FOR_ZONES, String.join(",", forZones));
      }
      if (forNodes != null) {
        b.attribute(KubernetesAttributes.HINTS_FOR_NODES, String.join(",", forNodes));
      }
      return b.build();
    }

    private static TreeSet<String> union(TreeSet<String> set, List<String> more) {
      if (more.isEmpty()) {
        return set;
      }
      TreeSet<String> out = set == null ? new TreeSet<>() : set;
      out.addAll(more);
      return out;
    }
  }
}
