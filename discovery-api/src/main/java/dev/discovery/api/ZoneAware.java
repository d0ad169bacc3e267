package dev.discovery.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Zone-aware routing over any policy, with kube-proxy's rules: calls stay in the caller's zone (or
 * node) when the Service and its endpoints allow it, and spill over to every endpoint when the
 * local ones are too few.
 *
 * <p>The caller's zone is {@link #zone()}, else the snapshot's {@link EndpointSet#CLIENT_ZONE} (set
 * by the Kubernetes sources from the node the client runs on); its node likewise with {@link
 * EndpointSet#CLIENT_NODE}. With neither known, nothing is filtered. Then, in order:
 *
 * <ol>
 *   <li>Topology hints, when every candidate carries them (kube-proxy): those whose {@code
 *       hints.forNodes} name the caller's node, else those whose {@code hints.forZones} name its
 *       zone; when none match, every candidate.
 *   <li>Else the Service's {@code trafficDistribution}: {@code PreferSameNode} keeps the same node,
 *       else the same zone, else all; {@code PreferSameZone} and {@code PreferClose} the same zone,
 *       else all.
 *   <li>Else (the Service says nothing, but the application asked for zone awareness) the same
 *       zone, else all.
 * </ol>
 *
 * Spill-over: when fewer than {@link #minLocalEndpoints()} local endpoints are in rotation (ready,
 * and not ejected by {@link OutlierEjection}), every candidate is used.
 *
 * @param zone the caller's zone, or {@code null} to read it from the snapshot
 * @param node the caller's node, or {@code null} to read it from the snapshot
 * @param minLocalEndpoints local endpoints in rotation below which calls spill to all, at least 1
 * @since 0.2
 */
public record ZoneAware(String zone, String node, int minLocalEndpoints) {

  /** The option of {@link Policies#configure} that asks for zone awareness: a JSON object. */
  public static final String OPTION = "zoneAware";

  public ZoneAware {
    if (zone != null && zone.isEmpty()) {
      throw new IllegalArgumentException("zone: empty (expected: a zone name, or none)");
    }
    if (node != null && node.isEmpty()) {
      throw new IllegalArgumentException("node: empty (expected: a node name, or none)");
    }
    if (minLocalEndpoints < 1) {
      throw new IllegalArgumentException(
          "minLocalEndpoints: " + minLocalEndpoints + " (expected: >= 1)");
    }
  }

  /** The caller's zone and node from the snapshot; spill over when no local endpoint is left. */
  public static ZoneAware fromSnapshot() {
    return new ZoneAware(null, null, 1);
  }

  /** The caller in {@code zone}, whatever the snapshot says. */
  public static ZoneAware inZone(String zone) {
    return new ZoneAware(java.util.Objects.requireNonNull(zone, "zone"), null, 1);
  }

  /** This configuration, spilling over below {@code n} local endpoints in rotation. */
  public ZoneAware withMinLocalEndpoints(int n) {
    return new ZoneAware(zone, node, n);
  }

  /**
   * The configuration that the JSON object {@code options} asks for: {@code zone}, {@code node},
   * {@code minLocalEndpoints} (default 1).
   *
   * @throws IllegalArgumentException naming the option that is unknown or bad
   */
  public static ZoneAware fromOptions(Map<String, ?> options) {
    Options.onlyKnown(OPTION, options, Set.of("zone", "node", "minLocalEndpoints"));
    Object zone = options.get("zone");
    Object node = options.get("node");
    Object min = options.get("minLocalEndpoints");
    return new ZoneAware(
        zone == null ? null : Options.text("zone", zone),
        node == null ? null : Options.text("node", node),
        min == null ? 1 : Options.count("minLocalEndpoints", min));
  }

  /** The JSON object {@link #fromOptions} reads back into this configuration. */
  public Map<String, Object> toOptions() {
    Map<String, Object> json = new LinkedHashMap<>();
    if (zone != null) {
      json.put("zone", zone);
    }
    if (node != null) {
      json.put("node", node);
    }
    json.put("minLocalEndpoints", (double) minLocalEndpoints);
    return json;
  }
}
