package dev.discovery.grpc;

import dev.discovery.api.Affinity;
import dev.discovery.api.Policies;
import dev.discovery.grpc.internal.PolicyConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of the {@code sticky} load-balancing policy, as a gRPC service config carries
 * it:
 *
 * <pre>{@code
 * {"loadBalancingConfig": [{"sticky": {"header": "x-session-id", "affinityTimeout": "10800s"}}]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code header} (required): the request header whose value is the key. A call with the
 *       header goes to the key's endpoint; a call without it goes to a random READY endpoint.
 *   <li>{@code affinityTimeout} (optional): Kubernetes {@code ClientIP}-style affinity on top of
 *       the consistent hash: a key keeps the endpoint it first got while it is used again within
 *       this time and that endpoint lives, even if a new endpoint would now take it. A duration
 *       such as {@code "10800s"} or {@code "PT3H"}, more than 0 and at most 86400 s.
 *   <li>{@code affinityMaxKeys} (optional, with {@code affinityTimeout}): how many keys to remember
 *       at most (default {@value Affinity#DEFAULT_MAX_KEYS}).
 * </ul>
 *
 * <p>With {@code defaultLoadBalancingPolicy("sticky")} and no configuration there is no header:
 * every call goes to a random READY endpoint (the channel logs a warning).
 *
 * @param header the header name, in lower case
 * @param affinity the affinity, or {@code null} for pure consistent hashing
 * @since 0.1
 */
public record StickyConfig(String header, Affinity affinity) {

  /**
   * @throws IllegalArgumentException if {@code header} is not a valid ASCII header name
   */
  public StickyConfig {
    header = PolicyConfig.headerName(Objects.requireNonNull(header, "header"));
  }

  /** Consistent hashing of {@code header}'s value, with no affinity. */
  public static StickyConfig of(String header) {
    return new StickyConfig(header, null);
  }

  /** This configuration with {@code affinity}. */
  public StickyConfig withAffinity(Affinity affinity) {
    return new StickyConfig(header, Objects.requireNonNull(affinity, "affinity"));
  }

  /**
   * Parses the policy's JSON object ({@code {"header": ..., "affinityTimeout": ...}}).
   *
   * @throws IllegalArgumentException naming the option that is missing, unknown or bad, and what
   *     was expected
   */
  public static StickyConfig fromJson(Map<String, ?> json) {
    PolicyConfig config =
        PolicyConfig.parse(Policies.sticky(), Objects.requireNonNull(json, "json"));
    return new StickyConfig(
        config.header().originalName(), Affinity.fromOptions(json).orElse(null));
  }

  /** The policy's JSON object, as {@link #fromJson} reads it. */
  public Map<String, ?> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("header", header);
    if (affinity != null) {
      json.putAll(affinity.toOptions());
    }
    return json;
  }

  /**
   * A whole service config that selects {@code sticky} with this configuration, for {@code
   * ManagedChannelBuilder.defaultServiceConfig(...)}.
   */
  public Map<String, ?> serviceConfig() {
    return Map.of("loadBalancingConfig", List.of(Map.of("sticky", toJson())));
  }
}
