package dev.discovery.k8s.internal;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the client itself runs, as the Kubernetes sources tell zone-aware policies ({@link
 * EndpointSet#CLIENT_ZONE}, {@link EndpointSet#CLIENT_NODE}): the zone from {@value #ZONE_VARIABLE}
 * when set; the node from {@value #NODE_VARIABLE} (the downward API's {@code spec.nodeName}), whose
 * Node's {@code topology.kubernetes.io/zone} label the API source reads when no zone is set.
 */
public final class ClientTopology {
  /** The variable that sets the client's zone explicitly. */
  public static final String ZONE_VARIABLE = "DISCOVERY_ZONE";

  /** The variable that names the client's node, as a pod spec sets it from the downward API. */
  public static final String NODE_VARIABLE = "NODE_NAME";

  private ClientTopology() {}

  /** The zone set in {@code env}, if any. */
  public static Optional<String> zone(Environment env) {
    return value(env, ZONE_VARIABLE);
  }

  /** The node named in {@code env}, if any. */
  public static Optional<String> node(Environment env) {
    return value(env, NODE_VARIABLE);
  }

  /** The snapshot attributes {@code env} tells: zone and node when set, else none. */
  public static Map<String, String> attributes(Environment env) {
    return attributes(zone(env).orElse(null), node(env).orElse(null));
  }

  /** The snapshot attributes of a {@code zone} and {@code node}, each left out when null. */
  public static Map<String, String> attributes(String zone, String node) {
    Map<String, String> a = new LinkedHashMap<>();
    if (zone != null) {
      a.put(EndpointSet.CLIENT_ZONE, zone);
    }
    if (node != null) {
      a.put(EndpointSet.CLIENT_NODE, node);
    }
    return Map.copyOf(a);
  }

  private static Optional<String> value(Environment env, String name) {
    return env.variable(name).map(String::strip).filter(s -> !s.isEmpty());
  }
}
