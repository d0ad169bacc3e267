package dev.discovery.testkit.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ServicePort;
import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ContainerPort;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.IpFamily;
import dev.discovery.testkit.LoadBalancerIngress;
import dev.discovery.testkit.Namespace;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.ObjectMetadata;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Protocol;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.ServiceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Kubernetes API's JSON for the objects of a {@code FakeCluster}, as the API server writes it:
 * fields in the server's order, absent ones left out ({@code omitempty}), resource versions as
 * strings, times in RFC 3339 to the second. Documents are {@code Map<String, Object>} trees of
 * maps, lists, strings, numbers and booleans.
 */
public final class ApiJson {
  // Null values are written: "endpoints": null is how the server writes an empty slice.
  private static final JSON JSON_WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

  /** The node label of its hostname. */
  static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

  /** The node label of its zone. */
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  /**
   * Where a pod's own zone (which real pods do not have: theirs is their node's) is written, so
   * that documents round-trip.
   */
  static final String ZONE_ANNOTATION = "testkit.discovery.dev/zone";

  /** The name of the one container a pod is written with. */
  static final String CONTAINER = "app";

  private ApiJson() {}

  /** The object as the API server writes it, with {@code meta} in its {@code metadata}. */
  public static Map<String, Object> toJson(ClusterObject object, ObjectMetadata meta) {
    Objects.requireNonNull(meta, "meta");
    if (object instanceof Namespace n) {
      return namespace(n, meta);
    } else if (object instanceof Node n) {
      return node(n, meta);
    } else if (object instanceof Pod p) {
      return pod(p, meta);
    } else if (object instanceof Service s) {
      return service(s, meta);
    } else {
      return endpointSlice((EndpointSlice) object, meta);
    }
  }

  /** The {@code apiVersion} of a kind: {@code v1}, or {@code discovery.k8s.io/v1}. */
  public static String apiVersion(String kind) {
    return kind.equals("EndpointSlice") ? "discovery.k8s.io/v1" : "v1";
  }

  /**
   * The object a document describes, for the five kinds the cluster holds; the inverse of {@link
   * #toJson} for what the cluster models (see {@link #metadataOf} for the metadata).
   *
   * @throws IllegalArgumentException if the kind is another, or a field is invalid
   */
  public static ClusterObject fromJson(Map<String, Object> doc) {
    String kind = string(doc, "kind");
    Map<String, Object> meta = map(doc, "metadata");
    return switch (kind == null ? "" : kind) {
      case "Namespace" -> new Namespace(string(meta, "name"));
      case "Node" -> readNode(doc, meta);
      case "Pod" -> readPod(doc, meta);
      case "Service" -> readService(doc, meta);
      case "EndpointSlice" -> readEndpointSlice(doc, meta);
      default ->
          throw Validation.invalid(
              "kind", Validation.quote(kind), "Namespace, Node, Pod, Service or EndpointSlice");
    };
  }

  /** The uid, resource version, creation and deletion times of a document's {@code metadata}. */
  public static ObjectMetadata metadataOf(Map<String, Object> doc) {
    Map<String, Object> meta = map(doc, "metadata");
    String rv = string(meta, "resourceVersion");
    String deletion = string(meta, "deletionTimestamp");
    String changed = stringMap(meta, "annotations").get(LAST_CHANGE_TRIGGER_TIME);
    return new ObjectMetadata(
        string(meta, "uid"),
        rv == null ? 0 : Long.parseLong(rv),
        Instant.parse(string(meta, "creationTimestamp")),
        deletion == null ? null : Instant.parse(deletion),
        changed == null ? null : Instant.parse(changed));
  }

  // Writing, field by field in the order of the Kubernetes Go types (encoding/json writes them so).

  private static Map<String, Object> namespace(Namespace n, ObjectMetadata meta) {
    Map<String, Object> doc = head(n);
    doc.put("metadata", metadata(n, meta, Map.of("kubernetes.io/metadata.name", n.name())));
    doc.put("spec", Map.of("finalizers", List.of("kubernetes")));
    doc.put("status", Map.of("phase", "Active"));
    return doc;
  }

  private static Map<String, Object> node(Node n, ObjectMetadata meta) {
    Map<String, Object> doc = head(n);
    Map<String, String> labels = new TreeMap<>(n.labels());
    labels.put(HOSTNAME_LABEL, n.name());
    if (n.zone() != null) {
      labels.put(ZONE_LABEL, n.zone());
    }
    doc.put("metadata", metadata(n, meta, labels));
    doc.put("spec", new LinkedHashMap<>());
    Map<String, Object> status = new LinkedHashMap<>();
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("type", "Ready");
    ready.put("status", n.ready() ? "True" : "False");
    ready.put("reason", n.ready() ? "KubeletReady" : "KubeletNotReady");
    status.put("conditions", List.of(ready));
    List<Object> addresses = new ArrayList<>();
    for (InetAddress a : n.addresses()) {
      addresses.add(entries("type", "InternalIP", "address", IpAddresses.format(a)));
    }
    addresses.add(entries("type", "Hostname", "address", n.name()));
    status.put("addresses", addresses);
    doc.put("status", status);
    return doc;
  }

  private static Map<String, Object> pod(Pod p, ObjectMetadata meta) {
    Map<String, Object> doc = head(p);
    Map<String, Object> m = metadata(p, meta, p.labels());
    if (p.zone() != null) {
      m.put("annotations", Map.of(ZONE_ANNOTATION, p.zone()));
    }
    doc.put("metadata", m);
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", CONTAINER);
    if (!p.ports().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (ContainerPort cp : p.ports()) {
        Map<String, Object> port = new LinkedHashMap<>();
        putIfPresent(port, "name", cp.name());
        port.put("containerPort", cp.port());
        port.put("protocol", cp.protocol().name());
        ports.add(port);
      }
      container.put("ports", ports);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("containers", List.of(container));
    putIfPresent(spec, "nodeName", p.node());
    putIfPresent(spec, "hostname", p.hostname());
    putIfPresent(spec, "subdomain", p.subdomain());
    doc.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", "Running");
    status.put(
        "conditions", List.of(entries("type", "Ready", "status", p.ready() ? "True" : "False")));
    if (!p.ips().isEmpty()) {
      status.put("podIP", IpAddresses.format(p.ip()));
      status.put(
          "podIPs", p.ips().stream().map(ip -> entries("ip", IpAddresses.format(ip))).toList());
    }
    doc.put("status", status);
    return doc;
  }

  private static Map<String, Object> service(Service s, ObjectMetadata meta) {
    Map<String, Object> doc = head(s);
    doc.put("metadata", metadata(s, meta, Map.of()));
    boolean externalName = s.type() == ServiceType.EXTERNAL_NAME;
    boolean nodePorts = s.type() == ServiceType.NODE_PORT || s.type() == ServiceType.LOAD_BALANCER;
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!s.ports().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (Service.Port p : s.ports()) {
        Map<String, Object> port = new LinkedHashMap<>();
        putIfPresent(port, "name", p.name());
        port.put("protocol", p.protocol().name());
        putIfPresent(port, "appProtocol", p.appProtocol());
        port.put("port", p.port());
        if (p.targetPort() instanceof ServicePort.Number number) {
          port.put("targetPort", number.value());
        } else {
          port.put("targetPort", ((ServicePort.Name) p.targetPort()).value());
        }
        if (p.nodePort() != 0) {
          port.put("nodePort", p.nodePort());
        }
        ports.add(port);
      }
      spec.put("ports", ports);
    }
    if (!s.selector().isEmpty()) {
      spec.put("selector", new LinkedHashMap<>(s.selector()));
    }
    if (!externalName) {
      List<String> ips =
          s.headless()
              ? List.of("None")
              : s.clusterIps().stream().map(IpAddresses::format).toList();
      if (!ips.isEmpty()) {
        spec.put("clusterIP", ips.get(0));
        spec.put("clusterIPs", ips);
      }
    }
    spec.put("type", s.type().kubernetesName());
    spec.put(
        "sessionAffinity",
        s.sessionAffinity() == Service.SessionAffinity.CLIENT_IP ? "ClientIP" : "None");
    putIfPresent(spec, "externalName", s.externalName());
    if (nodePorts) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (s.publishNotReadyAddresses()) {
      spec.put("publishNotReadyAddresses", true);
    }
    if (s.sessionAffinityTimeout() != null) {
      spec.put(
          "sessionAffinityConfig",
          Map.of(
              "clientIP", Map.of("timeoutSeconds", (int) s.sessionAffinityTimeout().getSeconds())));
    }
    if (!externalName) {
      spec.put("ipFamilies", s.ipFamilies().stream().map(IpFamily::kubernetesName).toList());
      spec.put("ipFamilyPolicy", s.ipFamilies().size() > 1 ? "RequireDualStack" : "SingleStack");
    }
    if (s.type() == ServiceType.LOAD_BALANCER) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
    if (!externalName) {
      spec.put("internalTrafficPolicy", s.internalTrafficPolicy().kubernetesName());
    }
    putIfPresent(spec, "trafficDistribution", s.trafficDistribution());
    doc.put("spec", spec);
    Map<String, Object> loadBalancer = new LinkedHashMap<>();
    if (!s.loadBalancerIngress().isEmpty()) {
      List<Object> ingress = new ArrayList<>();
      for (LoadBalancerIngress i : s.loadBalancerIngress()) {
        ingress.add(
            i.ip() != null
                ? entries("ip", IpAddresses.format(i.ip()), "ipMode", "VIP")
                : entries("hostname", i.hostname()));
      }
      loadBalancer.put("ingress", ingress);
    }
    doc.put("status", Map.of("loadBalancer", loadBalancer));
    return doc;
  }

  /** The EndpointSlice controller's annotation: when the change a slice shows happened. */
  public static final String LAST_CHANGE_TRIGGER_TIME =
      "endpoints.kubernetes.io/last-change-trigger-time";

  private static Map<String, Object> endpointSlice(EndpointSlice s, ObjectMetadata meta) {
    Map<String, Object> doc = head(s);
    Map<String, Object> m = metadata(s, meta, s.labels());
    if (s.managedByController() && meta.modifiedAt() != null) {
      // The controller stamps the time of the change it acted on (kube-proxy measures its
      // network programming latency from it); the fake's is the commit's time.
      m.put(
          "annotations",
          Map.of(
              LAST_CHANGE_TRIGGER_TIME, DateTimeFormatter.ISO_INSTANT.format(meta.modifiedAt())));
    }
    if (s.managedByController()) {
      // The controller names its slices by generateName: "<service>-" plus a suffix.
      Map<String, Object> ordered = new LinkedHashMap<>();
      ordered.put("name", m.remove("name"));
      ordered.put("generateName", s.serviceName() + "-");
      ordered.putAll(m);
      m = ordered;
    }
    if (s.ownerUid() != null) {
      Map<String, Object> owner = new LinkedHashMap<>();
      owner.put("apiVersion", "v1");
      owner.put("kind", "Service");
      owner.put("name", s.serviceName());
      owner.put("uid", s.ownerUid());
      owner.put("controller", true);
      owner.put("blockOwnerDeletion", true);
      m.put("ownerReferences", List.of(owner));
    }
    doc.put("metadata", m);
    doc.put("addressType", s.addressType().kubernetesName());
    List<Object> endpoints = new ArrayList<>();
    for (EndpointSlice.Endpoint e : s.endpoints()) {
      endpoints.add(endpoint(s, e));
    }
    // "endpoints" and "ports" have no omitempty: an empty slice has them null.
    doc.put("endpoints", endpoints.isEmpty() ? null : endpoints);
    List<Object> ports = new ArrayList<>();
    for (EndpointSlice.Port p : s.ports()) {
      Map<String, Object> port = new LinkedHashMap<>();
      port.put("name", p.name() == null ? "" : p.name());
      port.put("protocol", p.protocol().name());
      port.put("port", p.port());
      putIfPresent(port, "appProtocol", p.appProtocol());
      ports.add(port);
    }
    doc.put("ports", ports.isEmpty() ? null : ports);
    return doc;
  }

  private static Map<String, Object> endpoint(EndpointSlice s, EndpointSlice.Endpoint e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("addresses", List.of(IpAddresses.format(e.address())));
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("ready", e.ready());
    conditions.put("serving", e.serving());
    conditions.put("terminating", e.terminating());
    out.put("conditions", conditions);
    putIfPresent(out, "hostname", e.hostname());
    if (e.podName() != null) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("kind", "Pod");
      ref.put("namespace", s.namespace());
      ref.put("name", e.podName());
      putIfPresent(ref, "uid", e.podUid());
      out.put("targetRef", ref);
    }
    putIfPresent(out, "nodeName", e.nodeName());
    putIfPresent(out, "zone", e.zone());
    if (!e.forZones().isEmpty() || !e.forNodes().isEmpty()) {
      Map<String, Object> hints = new LinkedHashMap<>();
      if (!e.forZones().isEmpty()) {
        hints.put("forZones", e.forZones().stream().map(z -> entries("name", z)).toList());
      }
      if (!e.forNodes().isEmpty()) {
        hints.put("forNodes", e.forNodes().stream().map(n -> entries("name", n)).toList());
      }
      out.put("hints", hints);
    }
    return out;
  }

  private static Map<String, Object> head(ClusterObject o) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", o.kind());
    doc.put("apiVersion", apiVersion(o.kind()));
    return doc;
  }

  /** A map of {@code key, value, key, value, ...}, in that order. */
  private static Map<String, Object> entries(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /**
   * A {@code Status} failure as the API server writes it: {@code {"kind":"Status","apiVersion":
   * "v1","metadata":{},"status":"Failure","message":...,"reason":...,"code":...}}.
   */
  public static Map<String, Object> status(int code, String reason, String message) {
    return status(code, reason, message, null, null, null);
  }

  /**
   * A {@code Status} failure about one object, with {@code details} ({@code name}, {@code group},
   * {@code kind}), as the server writes a NotFound or AlreadyExists. Null parts are left out.
   */
  public static Map<String, Object> status(
      int code, String reason, String message, String name, String group, String kind) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "Status");
    doc.put("apiVersion", "v1");
    doc.put("metadata", new LinkedHashMap<>());
    doc.put("status", "Failure");
    putIfPresent(doc, "message", message);
    putIfPresent(doc, "reason", reason);
    if (name != null || group != null || kind != null) {
      Map<String, Object> details = new LinkedHashMap<>();
      putIfPresent(details, "name", name);
      putIfPresent(details, "group", group);
      putIfPresent(details, "kind", kind);
      doc.put("details", details);
    }
    doc.put("code", code);
    return doc;
  }

  /**
   * A list as the server writes it: {@code {"kind":"EndpointSliceList","apiVersion":
   * "discovery.k8s.io/v1","metadata":{"resourceVersion":"42"},"items":[...]}}.
   */
  public static Map<String, Object> list(
      String kind, String apiVersion, long resourceVersion, List<Map<String, Object>> items) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", kind);
    doc.put("apiVersion", apiVersion);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", Long.toString(resourceVersion));
    doc.put("metadata", meta);
    doc.put("items", List.copyOf(items));
    return doc;
  }

  /** A watch event: {@code {"type":"ADDED","object":{...}}}. */
  public static Map<String, Object> watchEvent(String type, Map<String, Object> object) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("type", Objects.requireNonNull(type, "type"));
    doc.put("object", Objects.requireNonNull(object, "object"));
    return doc;
  }

  /**
   * A BOOKMARK event's object: only {@code kind}, {@code apiVersion} and {@code
   * metadata.resourceVersion}, with the annotation {@code k8s.io/initial-events-end: "true"} when
   * it ends a streaming list's initial events.
   */
  public static Map<String, Object> bookmark(
      String kind, long resourceVersion, boolean initialEventsEnd) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", kind);
    doc.put("apiVersion", apiVersion(kind));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", Long.toString(resourceVersion));
    meta.put("creationTimestamp", null);
    if (initialEventsEnd) {
      meta.put("annotations", Map.of("k8s.io/initial-events-end", "true"));
    }
    doc.put("metadata", meta);
    zeroFields(kind, doc);
    return doc;
  }

  /**
   * The fields a bookmark carries besides its metadata: the API server writes the kind's empty Go
   * struct, so fields without {@code omitempty} appear with their zero values (an EndpointSlice's
   * {@code "addressType":""} and {@code "endpoints":null}), and nested structs as {@code {}}.
   * Clients rely on it: client-java rejects an EndpointSlice without {@code endpoints}.
   */
  private static void zeroFields(String kind, Map<String, Object> doc) {
    switch (kind) {
      case "EndpointSlice" -> {
        doc.put("addressType", "");
        doc.put("endpoints", null);
        doc.put("ports", null);
      }
      case "Service" -> {
        doc.put("spec", Map.of());
        doc.put("status", Map.of("loadBalancer", Map.of()));
      }
      case "Pod" -> {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("containers", null);
        doc.put("spec", spec);
        doc.put("status", Map.of());
      }
      default -> {
        doc.put("spec", Map.of());
        doc.put("status", Map.of());
      }
    }
  }

  /** {@code doc} as compact JSON on one line. */
  public static String write(Map<String, Object> doc) {
    try {
      return JSON_WRITER.asString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one JSON document into a tree of maps and lists. */
  public static Map<String, Object> read(String json) {
    try {
      return JSON_WRITER.mapFrom(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("json: " + e.getMessage() + " (expected: a JSON object)");
    }
  }

  // Reading: the fields the cluster models; others are ignored.

  private static Node readNode(Map<String, Object> doc, Map<String, Object> meta) {
    String name = string(meta, "name");
    Map<String, String> labels = new TreeMap<>(stringMap(meta, "labels"));
    if (name != null && name.equals(labels.get(HOSTNAME_LABEL))) {
      labels.remove(HOSTNAME_LABEL);
    }
    String zone = labels.remove(ZONE_LABEL);
    Map<String, Object> status = map(doc, "status");
    List<InetAddress> addresses = new ArrayList<>();
    for (Map<String, Object> a : maps(status, "addresses")) {
      if ("InternalIP".equals(string(a, "type"))) {
        addresses.add(Validation.ip("node " + name + " status.addresses", string(a, "address")));
      }
    }
    return new Node(name, addresses, zone, labels, conditionTrue(status, "Ready"));
  }

  private static Pod readPod(Map<String, Object> doc, Map<String, Object> meta) {
    String name = string(meta, "name");
    String field = "pod " + string(meta, "namespace") + "/" + name;
    Map<String, Object> spec = map(doc, "spec");
    Map<String, Object> status = map(doc, "status");
    List<ContainerPort> ports = new ArrayList<>();
    for (Map<String, Object> c : maps(spec, "containers")) {
      for (Map<String, Object> p : maps(c, "ports")) {
        ports.add(
            new ContainerPort(
                string(p, "name"),
                integer(p, "containerPort"),
                protocol(field + " containerPort", string(p, "protocol"))));
      }
    }
    List<InetAddress> ips = new ArrayList<>();
    for (Map<String, Object> ip : maps(status, "podIPs")) {
      ips.add(Validation.ip(field + " status.podIPs", string(ip, "ip")));
    }
    if (ips.isEmpty() && string(status, "podIP") != null) {
      ips.add(Validation.ip(field + " status.podIP", string(status, "podIP")));
    }
    return new Pod(
        string(meta, "namespace"),
        name,
        stringMap(meta, "labels"),
        ips,
        ports,
        conditionTrue(status, "Ready"),
        meta.get("deletionTimestamp") != null,
        string(spec, "nodeName"),
        stringMap(meta, "annotations").get(ZONE_ANNOTATION),
        string(spec, "hostname"),
        string(spec, "subdomain"));
  }

  private static Service readService(Map<String, Object> doc, Map<String, Object> meta) {
    String field = "service " + string(meta, "namespace") + "/" + string(meta, "name");
    Map<String, Object> spec = map(doc, "spec");
    String typeName = string(spec, "type");
    ServiceType type = ServiceType.CLUSTER_IP;
    for (ServiceType t : ServiceType.values()) {
      if (t.kubernetesName().equals(typeName)) {
        type = t;
      }
    }
    boolean headless = "None".equals(string(spec, "clusterIP"));
    List<InetAddress> clusterIps = new ArrayList<>();
    if (!headless) {
      for (Object ip : list(spec, "clusterIPs")) {
        clusterIps.add(Validation.ip(field + " clusterIPs", (String) ip));
      }
    }
    List<IpFamily> families = new ArrayList<>();
    for (Object f : list(spec, "ipFamilies")) {
      families.add(IpFamily.IPV6.kubernetesName().equals(f) ? IpFamily.IPV6 : IpFamily.IPV4);
    }
    List<Service.Port> ports = new ArrayList<>();
    for (Map<String, Object> p : maps(spec, "ports")) {
      Object target = p.get("targetPort");
      ServicePort targetPort =
          target instanceof String name
              ? new ServicePort.Name(name)
              : target == null ? null : new ServicePort.Number(((Number) target).intValue());
      ports.add(
          new Service.Port(
              string(p, "name"),
              protocol(field + " port", string(p, "protocol")),
              integer(p, "port"),
              targetPort,
              p.get("nodePort") == null ? 0 : integer(p, "nodePort"),
              string(p, "appProtocol")));
    }
    boolean clientIp = "ClientIP".equals(string(spec, "sessionAffinity"));
    Map<String, Object> clientIpConfig = map(map(spec, "sessionAffinityConfig"), "clientIP");
    Duration timeout = null;
    if (clientIp && clientIpConfig.get("timeoutSeconds") != null) {
      timeout = Duration.ofSeconds(integer(clientIpConfig, "timeoutSeconds"));
    }
    List<LoadBalancerIngress> ingress = new ArrayList<>();
    for (Map<String, Object> i : maps(map(map(doc, "status"), "loadBalancer"), "ingress")) {
      String ip = string(i, "ip");
      ingress.add(
          ip != null
              ? new LoadBalancerIngress(Validation.ip(field + " ingress ip", ip), null)
              : new LoadBalancerIngress(null, string(i, "hostname")));
    }
    return new Service(
        string(meta, "namespace"),
        string(meta, "name"),
        type,
        headless,
        clusterIps,
        families,
        stringMap(spec, "selector"),
        ports,
        string(spec, "externalName"),
        Boolean.TRUE.equals(spec.get("publishNotReadyAddresses")),
        clientIp ? Service.SessionAffinity.CLIENT_IP : Service.SessionAffinity.NONE,
        timeout,
        ingress,
        "Local".equals(string(spec, "internalTrafficPolicy"))
            ? Service.TrafficPolicy.LOCAL
            : Service.TrafficPolicy.CLUSTER,
        string(spec, "trafficDistribution"));
  }

  private static EndpointSlice readEndpointSlice(
      Map<String, Object> doc, Map<String, Object> meta) {
    String namespace = string(meta, "namespace");
    String field = "endpointslice " + namespace + "/" + string(meta, "name");
    Map<String, String> labels = stringMap(meta, "labels");
    String service = labels.get(EndpointSlice.SERVICE_NAME_LABEL);
    if (service == null) {
      throw Validation.invalid(
          field + " labels", labels.toString(), "a " + EndpointSlice.SERVICE_NAME_LABEL + " label");
    }
    String ownerUid = null;
    for (Map<String, Object> owner : maps(meta, "ownerReferences")) {
      if ("Service".equals(string(owner, "kind")) && service.equals(string(owner, "name"))) {
        ownerUid = string(owner, "uid");
      }
    }
    String addressType = string(doc, "addressType");
    if (!IpFamily.IPV4.kubernetesName().equals(addressType)
        && !IpFamily.IPV6.kubernetesName().equals(addressType)) {
      throw Validation.invalid(
          field + " addressType",
          Validation.quote(addressType),
          "IPv4 or IPv6 (FQDN is not modelled)");
    }
    List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
    List<Map<String, Object>> items = maps(doc, "endpoints");
    for (int i = 0; i < items.size(); i++) {
      endpoints.add(readEndpoint(field + " endpoints[" + i + "]", items.get(i)));
    }
    List<EndpointSlice.Port> ports = new ArrayList<>();
    for (Map<String, Object> p : maps(doc, "ports")) {
      String name = string(p, "name");
      ports.add(
          new EndpointSlice.Port(
              name == null || name.isEmpty() ? null : name,
              protocol(field + " port", string(p, "protocol")),
              integer(p, "port"),
              string(p, "appProtocol")));
    }
    String rv = string(meta, "resourceVersion");
    return new EndpointSlice(
        namespace,
        string(meta, "name"),
        service,
        IpFamily.IPV6.kubernetesName().equals(addressType) ? IpFamily.IPV6 : IpFamily.IPV4,
        endpoints,
        ports,
        rv == null ? 0 : Long.parseLong(rv),
        labels.get(EndpointSlice.MANAGED_BY_LABEL),
        labels,
        ownerUid);
  }

  private static EndpointSlice.Endpoint readEndpoint(String field, Map<String, Object> e) {
    List<Object> addresses = list(e, "addresses");
    if (addresses.size() != 1) {
      throw Validation.invalid(
          field + ".addresses", addresses.toString(), "one address (the cluster models one)");
    }
    Map<String, Object> conditions = map(e, "conditions");
    Map<String, Object> ref = map(e, "targetRef");
    Map<String, Object> hints = map(e, "hints");
    boolean ready = !Boolean.FALSE.equals(conditions.get("ready"));
    return new EndpointSlice.Endpoint(
        Validation.ip(field + ".addresses", (String) addresses.get(0)),
        ready,
        conditions.get("serving") == null ? ready : Boolean.TRUE.equals(conditions.get("serving")),
        Boolean.TRUE.equals(conditions.get("terminating")),
        string(e, "hostname"),
        string(e, "nodeName"),
        string(e, "zone"),
        string(ref, "name"),
        string(ref, "uid"),
        maps(hints, "forZones").stream().map(z -> string(z, "name")).toList(),
        maps(hints, "forNodes").stream().map(n -> string(n, "name")).toList());
  }

  private static boolean conditionTrue(Map<String, Object> status, String type) {
    for (Map<String, Object> c : maps(status, "conditions")) {
      if (type.equals(string(c, "type"))) {
        return "True".equals(string(c, "status"));
      }
    }
    return true;
  }

  private static Protocol protocol(String field, String name) {
    if (name == null) {
      return Protocol.TCP;
    }
    for (Protocol p : Protocol.values()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw Validation.invalid(field + " protocol", Validation.quote(name), "TCP, UDP or SCTP");
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  private static int integer(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw Validation.invalid(key, String.valueOf(v), "a number");
    }
    return n.intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static List<Object> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : list(m, key)) {
      if (o instanceof Map<?, ?> map) {
        out.add((Map<String, Object>) map);
      }
    }
    return out;
  }

  private static Map<String, String> stringMap(Map<String, Object> m, String key) {
    Map<String, String> out = new TreeMap<>();
    map(m, key).forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
    return out;
  }

  private static Map<String, Object> metadata(
      ClusterObject object, ObjectMetadata meta, Map<String, String> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", object.name());
    putIfPresent(m, "namespace", object.namespace());
    m.put("uid", meta.uid());
    m.put("resourceVersion", Long.toString(meta.resourceVersion()));
    m.put("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(meta.creationTimestamp()));
    if (meta.deletionTimestamp() != null) {
      m.put("deletionTimestamp", DateTimeFormatter.ISO_INSTANT.format(meta.deletionTimestamp()));
      m.put("deletionGracePeriodSeconds", ObjectMetadata.GRACE_PERIOD_SECONDS);
    }
    if (!labels.isEmpty()) {
      m.put("labels", new LinkedHashMap<>(labels));
    }
    return m;
  }

  private static void putIfPresent(Map<String, Object> doc, String key, Object value) {
    if (value != null) {
      doc.put(key, value);
    }
  }
}
