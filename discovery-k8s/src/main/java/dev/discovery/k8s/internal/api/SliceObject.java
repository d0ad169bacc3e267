package dev.discovery.k8s.internal.api;

import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the API source reads of a {@code discovery.k8s.io/v1} EndpointSlice.
 *
 * @param namespace {@code metadata.namespace}
 * @param name {@code metadata.name}
 * @param resourceVersion {@code metadata.resourceVersion}, or null
 * @param serviceName the label {@code kubernetes.io/service-name}, or null
 * @param addressType IPv4, IPv6 or FQDN (the last is deprecated and {@link #ignoredReason()
 *     ignored})
 * @param endpoints {@code endpoints}; empty for an ignored slice
 * @param ports {@code ports}
 * @param changeTriggeredAt the annotation {@link #LAST_CHANGE_TRIGGER_TIME}: when the change this
 *     slice shows happened (the newest pod or Service change the EndpointSlice controller acted
 *     on), or null when absent or unreadable
 */
public record SliceObject(
    String namespace,
    String name,
    String resourceVersion,
    String serviceName,
    String addressType,
    List<SliceEndpoint> endpoints,
    List<SlicePort> ports,
    Instant changeTriggeredAt) {

  /** The label that ties a slice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * The annotation the EndpointSlice controller sets to the time of the change a slice shows (RFC
   * 3339); kube-proxy measures its network programming latency from it.
   */
  public static final String LAST_CHANGE_TRIGGER_TIME =
      "endpoints.kubernetes.io/last-change-trigger-time";

  /** A slice whose change time is unknown. */
  public SliceObject(
      String namespace,
      String name,
      String resourceVersion,
      String serviceName,
      String addressType,
      List<SliceEndpoint> endpoints,
      List<SlicePort> ports) {
    this(namespace, name, resourceVersion, serviceName, addressType, endpoints, ports, null);
  }

  public SliceObject {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(addressType, "addressType");
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
  }

  /**
   * One of {@code endpoints}. The conditions are as the API gives them, null when absent; {@link
   * #isReady()}, {@link #isServing()} and {@link #isTerminating()} apply the API's meaning of null.
   *
   * @param addresses {@code addresses} (one in practice)
   * @param ready {@code conditions.ready}, or null
   * @param serving {@code conditions.serving}, or null
   * @param terminating {@code conditions.terminating}, or null
   * @param hostname {@code hostname}, or null
   * @param nodeName {@code nodeName}, or null
   * @param zone {@code zone}, or null
   * @param pod {@code targetRef.name} when {@code targetRef.kind} is Pod, else null
   * @param forZones {@code hints.forZones[].name}
   * @param forNodes {@code hints.forNodes[].name}
   */
  public record SliceEndpoint(
      List<InetAddress> addresses,
      Boolean ready,
      Boolean serving,
      Boolean terminating,
      String hostname,
      String nodeName,
      String zone,
      String pod,
      List<String> forZones,
      List<String> forNodes) {

    public SliceEndpoint {
      addresses = List.copyOf(addresses);
      forZones = List.copyOf(forZones);
      forNodes = List.copyOf(forNodes);
    }

    /** {@code ready}, where null means true (the API reference). */
    public boolean isReady() {
      return ready == null || ready;
    }

    /** {@code serving}, where null defers to {@link #isReady()} (the API reference). */
    public boolean isServing() {
      return serving == null ? isReady() : serving;
    }

    /** {@code terminating}, where null means false (the API reference). */
    public boolean isTerminating() {
      return terminating != null && terminating;
    }
  }

  /**
   * One of {@code ports}.
   *
   * @param name the port name, {@code ""} when unnamed; matches the Service port's name
   * @param protocol TCP (the default), UDP or SCTP
   * @param port the pods' port number (the Service's target port), or null (unrestricted: unused)
   * @param appProtocol the application protocol, or null
   */
  public record SlicePort(String name, String protocol, Integer port, String appProtocol) {}

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /**
   * Why this slice gives no endpoints, or null when it is used: FQDN slices (deprecated, names
   * instead of IPs) and address types this SDK does not know are left out, as kube-proxy does.
   */
  public String ignoredReason() {
    if (isIpFamily(addressType)) {
      return null;
    }
    return "EndpointSlice "
        + key()
        + ": addressType "
        + addressType
        + " is ignored (expected: IPv4 or IPv6; FQDN slices carry names, not addresses)";
  }

  private static boolean isIpFamily(String addressType) {
    return "IPv4".equals(addressType) || "IPv6".equals(addressType);
  }

  /** Parses an EndpointSlice from its JSON; never throws. */
  public static Parsed<SliceObject> parse(Map<String, Object> json) {
    return Parsed.parse("EndpointSlice", json, SliceObject::read);
  }

  private static SliceObject read(Fields root) {
    Fields metadata = root.object("metadata");
    String addressType = root.requiredString("addressType");
    List<SliceEndpoint> endpoints = new ArrayList<>();
    if (isIpFamily(addressType)) {
      for (Fields e : root.objects("endpoints")) {
        endpoints.add(readEndpoint(e, addressType));
      }
    }
    List<SlicePort> ports = new ArrayList<>();
    for (Fields p : root.objects("ports")) {
      String name = p.string("name");
      String protocol = p.string("protocol");
      ports.add(
          new SlicePort(
              name == null ? "" : name,
              protocol == null || protocol.isEmpty() ? "TCP" : protocol,
              p.integer("port", 1, 65535),
              p.string("appProtocol")));
    }
    String namespace = metadata.string("namespace");
    return new SliceObject(
        namespace == null ? "" : namespace,
        metadata.requiredString("name"),
        metadata.string("resourceVersion"),
        metadata.stringMap("labels").get(SERVICE_NAME_LABEL),
        addressType,
        endpoints,
        ports,
        instant(metadata.stringMap("annotations").get(LAST_CHANGE_TRIGGER_TIME)));
  }

  /** An RFC 3339 time, or null when absent or unreadable (an annotation never fails a slice). */
  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The newest {@link #changeTriggeredAt()} of {@code slices}, or null when none says. */
  public static Instant newestChange(List<SliceObject> slices) {
    Instant newest = null;
    for (SliceObject s : slices) {
      Instant t = s.changeTriggeredAt;
      if (t != null && (newest == null || t.isAfter(newest))) {
        newest = t;
      }
    }
    return newest;
  }

  private static SliceEndpoint readEndpoint(Fields e, String addressType) {
    Fields conditions = e.object("conditions");
    Fields targetRef = e.object("targetRef");
    Fields hints = e.object("hints");
    String refKind = targetRef.string("kind");
    return new SliceEndpoint(
        e.ips("addresses", addressType),
        conditions.bool("ready"),
        conditions.bool("serving"),
        conditions.bool("terminating"),
        e.string("hostname"),
        e.string("nodeName"),
        e.string("zone"),
        refKind == null || "Pod".equals(refKind) ? targetRef.string("name") : null,
        names(hints, "forZones"),
        names(hints, "forNodes"));
  }

  private static List<String> names(Fields hints, String key) {
    List<String> names = new ArrayList<>();
    for (Fields h : hints.objects(key)) {
      names.add(h.requiredString("name"));
    }
    return names;
  }
}
