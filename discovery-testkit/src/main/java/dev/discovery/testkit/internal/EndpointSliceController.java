package dev.discovery.testkit.internal;

import dev.discovery.spi.ServicePort;
import dev.discovery.testkit.ContainerPort;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.IpFamily;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.ServiceType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Derives a Service's EndpointSlices from its pods the way Kubernetes' EndpointSlice controller
 * does, changing as few slices as it can: endpoints stay in the slice that holds them, new ones
 * fill slices with room before new slices are made, emptied slices go, and a Service with a
 * selector but no endpoints keeps one empty placeholder slice. Pure: the caller supplies names and
 * the resource version.
 */
public final class EndpointSliceController {
  private final int maxEndpointsPerSlice;

  public EndpointSliceController(int maxEndpointsPerSlice) {
    this.maxEndpointsPerSlice = maxEndpointsPerSlice;
  }

  /** A slice's grouping key: address type and ports. */
  private record Key(IpFamily addressType, List<EndpointSlice.Port> ports) {}

  /**
   * The Service's slices after reconciling {@code existing} (its current slices) with {@code pods}
   * (the pods of its namespace). Unchanged slices are returned as the same objects.
   *
   * @param serviceUid the Service's uid, the owner of its slices
   * @param podUid gives a pod's uid
   * @param nodes looks a node up by name ({@code null} when absent)
   * @param newName makes a name for a new slice
   * @param resourceVersion the version to stamp on changed and new slices
   */
  public List<EndpointSlice> reconcile(
      Service service,
      String serviceUid,
      Collection<Pod> pods,
      Function<Pod, String> podUid,
      Function<String, Node> nodes,
      List<EndpointSlice> existing,
      Supplier<String> newName,
      long resourceVersion) {
    if (service.type() == ServiceType.EXTERNAL_NAME || service.selector().isEmpty()) {
      return List.of();
    }
    Map<Key, LinkedHashMap<String, EndpointSlice.Endpoint>> desired = new LinkedHashMap<>();
    int total = 0;
    for (Pod pod : pods) {
      if (!pod.matches(service.selector())) {
        continue;
      }
      List<EndpointSlice.Port> ports = endpointPorts(service, pod);
      for (IpFamily family : service.ipFamilies()) {
        InetAddress ip = pod.ip(family);
        if (ip == null) {
          continue;
        }
        desired
            .computeIfAbsent(new Key(family, ports), k -> new LinkedHashMap<>())
            .put(pod.name(), endpoint(service, pod, podUid.apply(pod), ip, nodes));
        total++;
      }
    }

    List<EndpointSlice> placeholderCandidates = new ArrayList<>();
    List<SliceDraft> drafts = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (EndpointSlice slice : existing) {
      Key key = new Key(slice.addressType(), slice.ports());
      Map<String, EndpointSlice.Endpoint> want = desired.get(key);
      List<EndpointSlice.Endpoint> kept = new ArrayList<>();
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        String placedKey = key + "/" + e.podName();
        if (want != null && want.containsKey(e.podName()) && placed.add(placedKey)) {
          kept.add(want.get(e.podName()));
        }
      }
      if (slice.endpoints().isEmpty() && slice.ports().isEmpty()) {
        placeholderCandidates.add(slice);
      }
      drafts.add(new SliceDraft(slice, key, kept));
    }
    for (Map.Entry<Key, LinkedHashMap<String, EndpointSlice.Endpoint>> d : desired.entrySet()) {
      Key key = d.getKey();
      List<EndpointSlice.Endpoint> fresh = new ArrayList<>();
      for (EndpointSlice.Endpoint e : d.getValue().values()) {
        if (!placed.contains(key + "/" + e.podName())) {
          fresh.add(e);
        }
      }
      int i = 0;
      for (SliceDraft draft : drafts) {
        while (i < fresh.size()
            && draft.key.equals(key)
            && draft.endpoints.size() < maxEndpointsPerSlice) {
          draft.endpoints.add(fresh.get(i++));
        }
      }
      while (i < fresh.size()) {
        SliceDraft draft = new SliceDraft(null, key, new ArrayList<>());
        while (i < fresh.size() && draft.endpoints.size() < maxEndpointsPerSlice) {
          draft.endpoints.add(fresh.get(i++));
        }
        drafts.add(draft);
      }
    }

    List<EndpointSlice> result = new ArrayList<>();
    for (SliceDraft draft : drafts) {
      if (!draft.endpoints.isEmpty()) {
        result.add(draft.build(service, serviceUid, newName, resourceVersion));
      }
    }
    if (total == 0) {
      IpFamily primary = service.ipFamilies().get(0);
      EndpointSlice kept =
          placeholderCandidates.stream()
              .filter(s -> s.addressType() == primary)
              .findFirst()
              .orElse(null);
      SliceDraft placeholder = new SliceDraft(kept, new Key(primary, List.of()), new ArrayList<>());
      result.add(placeholder.build(service, serviceUid, newName, resourceVersion));
    }
    return result;
  }

  private static final class SliceDraft {
    final EndpointSlice previous;
    final Key key;
    final List<EndpointSlice.Endpoint> endpoints;

    SliceDraft(EndpointSlice previous, Key key, List<EndpointSlice.Endpoint> endpoints) {
      this.previous = previous;
      this.key = key;
      this.endpoints = endpoints;
    }

    EndpointSlice build(
        Service service, String serviceUid, Supplier<String> newName, long resourceVersion) {
      if (previous != null
          && previous.endpoints().equals(endpoints)
          && serviceUid.equals(previous.ownerUid())) {
        return previous;
      }
      return new EndpointSlice(
          service.namespace(),
          previous != null ? previous.name() : newName.get(),
          service.name(),
          key.addressType(),
          endpoints,
          key.ports(),
          resourceVersion,
          EndpointSlice.CONTROLLER,
          Map.of(),
          serviceUid);
    }
  }

  /** The Service's ports as numbers in {@code pod}; a name the pod lacks leaves its port out. */
  static List<EndpointSlice.Port> endpointPorts(Service service, Pod pod) {
    List<EndpointSlice.Port> ports = new ArrayList<>();
    for (Service.Port sp : service.ports()) {
      int number = -1;
      if (sp.targetPort() instanceof ServicePort.Number n) {
        number = n.value();
      } else if (sp.targetPort() instanceof ServicePort.Name n) {
        for (ContainerPort cp : pod.ports()) {
          if (n.value().equals(cp.name()) && cp.protocol() == sp.protocol()) {
            number = cp.port();
            break;
          }
        }
      }
      if (number > 0) {
        ports.add(new EndpointSlice.Port(sp.name(), sp.protocol(), number, sp.appProtocol()));
      }
    }
    return List.copyOf(ports);
  }

  private static EndpointSlice.Endpoint endpoint(
      Service service, Pod pod, String podUid, InetAddress ip, Function<String, Node> nodes) {
    boolean serving = pod.ready();
    boolean terminating = pod.terminating();
    boolean ready = service.publishNotReadyAddresses() || (serving && !terminating);
    String hostname =
        pod.hostname() != null && service.name().equals(pod.subdomain()) ? pod.hostname() : null;
    String zone = pod.zone();
    if (zone == null && pod.node() != null) {
      Node node = nodes.apply(pod.node());
      zone = node == null ? null : node.zone();
    }
    // Kubernetes 1.34's trafficdist heuristic: hints on ready endpoints only.
    String distribution = service.trafficDistribution();
    List<String> forZones = List.of();
    List<String> forNodes = List.of();
    if (distribution != null && ready) {
      forZones = zone == null ? List.of() : List.of(zone);
      if (distribution.equals("PreferSameNode") && pod.node() != null) {
        forNodes = List.of(pod.node());
      }
    }
    return new EndpointSlice.Endpoint(
        ip,
        ready,
        serving,
        terminating,
        hostname,
        pod.node(),
        zone,
        pod.name(),
        podUid,
        forZones,
        forNodes);
  }
}
