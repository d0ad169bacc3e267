package dev.discovery.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable snapshot of a Service's endpoints.
 *
 * <p>Endpoints are kept in a canonical order (by IP, IPv4 before IPv6, then port), so the answer
 * order of a DNS server never shows. No two endpoints share an identity.
 *
 * <p>A <em>change</em> is a different {@link #kind()}, {@link #source()}, {@link #aliases()},
 * {@link #attributes()} or set of endpoints with their attributes ({@link
 * #isChangeFrom(EndpointSet)}); the {@link #revision()}, {@link #resolvedAt()} and {@link #ttl()}
 * are not part of it. A watch publishes a snapshot only when it is a change.
 *
 * @param kind the kind of Service
 * @param source the source that produced it
 * @param endpoints the endpoints, in canonical order
 * @param aliases the CNAME chain followed to get here, first name first (empty when none)
 * @param attributes facts about the Service as a whole, sorted by key, for policies (the Kubernetes
 *     API source puts its Service's session affinity and traffic policies here; the DNS source
 *     none); keys are the source's, such as {@code k8s.sessionAffinity}
 * @param revision a number the watch increases with every change it publishes (0 from resolvers)
 * @param resolvedAt when the source produced it
 * @param ttl how long the source said it stays valid, or {@code null} when the source has no TTL
 * @since 0.1
 */
public record EndpointSet(
    ServiceKind kind,
    Source source,
    List<Endpoint> endpoints,
    List<String> aliases,
    Map<String, String> attributes,
    long revision,
    Instant resolvedAt,
    Duration ttl) {

  /**
   * Attribute key: the zone of the client itself ({@code topology.kubernetes.io/zone} of its Node),
   * when its source knows it; zone-aware policies route by it.
   */
  public static final String CLIENT_ZONE = "client.zone";

  /** Attribute key: the name of the node the client itself runs on, when its source knows it. */
  public static final String CLIENT_NODE = "client.node";

  /**
   * Endpoint identities (IP and port) in canonical order: IPv4 before IPv6, then the address bytes
   * unsigned, then the port. Comparing IPv4 identities allocates nothing.
   */
  public static final Comparator<InetSocketAddress> IDENTITY_ORDER =
      (a, b) -> {
        int c = compareIps(a.getAddress(), b.getAddress());
        return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
      };

  private static int compareIps(InetAddress a, InetAddress b) {
    boolean a4 = a instanceof Inet4Address;
    boolean b4 = b instanceof Inet4Address;
    if (a4 && b4) {
      // Inet4Address.hashCode() is the address as an int.
      return Integer.compareUnsigned(a.hashCode(), b.hashCode());
    }
    if (a4 != b4) {
      return a4 ? -1 : 1;
    }
    return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
  }

  /** The canonical endpoint order: IPv4 before IPv6, then address bytes unsigned, then port. */
  public static final Comparator<Endpoint> CANONICAL_ORDER =
      (a, b) -> IDENTITY_ORDER.compare(a.address(), b.address());

  /**
   * @throws IllegalArgumentException if two endpoints share an identity, or the revision is
   *     negative
   */
  public EndpointSet {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    aliases = List.copyOf(aliases);
    attributes =
        Collections.unmodifiableMap(
            new TreeMap<>(Objects.requireNonNull(attributes, "attributes")));
    if (revision < 0) {
      throw new IllegalArgumentException("revision: " + revision + " (expected: >= 0)");
    }
    if (ttl != null && ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
    }
    endpoints = canonical(endpoints);
  }

  /** A builder for a snapshot of {@code kind} from {@code source}. */
  public static Builder builder(ServiceKind kind, Source source) {
    return new Builder(kind, source);
  }

  /**
   * Whether this snapshot differs from {@code previous} in anything but revision, time and TTL.
   *
   * @param previous the snapshot before, or {@code null} when there was none (then {@code true})
   */
  public boolean isChangeFrom(EndpointSet previous) {
    return previous == null
        || kind != previous.kind
        || !source.equals(previous.source)
        || !aliases.equals(previous.aliases)
        || !attributes.equals(previous.attributes)
        || !endpoints.equals(previous.endpoints);
  }

  /** This snapshot with {@code revision}. */
  public EndpointSet withRevision(long revision) {
    return new EndpointSet(kind, source, endpoints, aliases, attributes, revision, resolvedAt, ttl);
  }

  /** This snapshot with {@code source}. */
  public EndpointSet withSource(Source source) {
    return new EndpointSet(kind, source, endpoints, aliases, attributes, revision, resolvedAt, ttl);
  }

  /**
   * This snapshot with {@code extra} attributes added, replacing those of the same keys (a source
   * adds facts about the client, such as {@link #CLIENT_ZONE}).
   */
  public EndpointSet withAttributes(Map<String, String> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new TreeMap<>(attributes);
    merged.putAll(extra);
    return new EndpointSet(kind, source, endpoints, aliases, merged, revision, resolvedAt, ttl);
  }

  /** The number of endpoints. */
  public int size() {
    return endpoints.size();
  }

  /** Whether there is no endpoint at all. */
  public boolean isEmpty() {
    return endpoints.isEmpty();
  }

  /** The number of ready endpoints. */
  public int readyCount() {
    return (int) endpoints.stream().filter(Endpoint::ready).count();
  }

  /**
   * The endpoints calls may go to, in canonical order: the ready ones; when none is ready, those
   * that are serving and terminating (Kubernetes' fallback); else none.
   */
  public List<Endpoint> eligible() {
    List<Endpoint> ready = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.ready()) {
        ready.add(e);
      }
    }
    if (!ready.isEmpty()) {
      return List.copyOf(ready);
    }
    return endpoints.stream().filter(e -> e.serving() && e.terminating()).toList();
  }

  /** One line: kind, source, revision and endpoint counts. */
  public String summary() {
    return kind
        + " source="
        + source
        + " revision="
        + revision
        + " endpoints="
        + endpoints.size()
        + " ready="
        + readyCount()
        + (aliases.isEmpty() ? "" : " aliases=" + aliases)
        + (attributes.isEmpty() ? "" : " attributes=" + attributes);
  }

  /**
   * The endpoints in canonical order as an immutable list; the list itself when it already is one
   * (snapshots re-made with a new revision do not sort again).
   */
  private static List<Endpoint> canonical(List<Endpoint> endpoints) {
    List<Endpoint> list = List.copyOf(endpoints); // the same list when already immutable
    int n = list.size();
    boolean sorted = true;
    for (int i = 1; i < n; i++) {
      int c = CANONICAL_ORDER.compare(list.get(i - 1), list.get(i));
      if (c == 0) {
        throw duplicate(list.get(i));
      }
      if (c > 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      return list;
    }
    Endpoint[] array = list.toArray(new Endpoint[0]);
    Arrays.sort(array, CANONICAL_ORDER);
    for (int i = 1; i < array.length; i++) {
      if (array[i].sameIdentity(array[i - 1])) {
        throw duplicate(array[i]);
      }
    }
    return List.of(array);
  }

  private static IllegalArgumentException duplicate(Endpoint e) {
    return new IllegalArgumentException(
        "endpoints: " + e.hostPort() + " appears twice (expected: each IP and port once)");
  }

  /** Builds an {@link EndpointSet}. */
  public static final class Builder {
    private final ServiceKind kind;
    private final Source source;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private List<String> aliases = List.of();
    private final Map<String, String> attributes = new TreeMap<>();
    private Instant resolvedAt = Instant.EPOCH;
    private Duration ttl;

    private Builder(ServiceKind kind, Source source) {
      this.kind = Objects.requireNonNull(kind, "kind");
      this.source = Objects.requireNonNull(source, "source");
    }

    public Builder add(Endpoint endpoint) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    public Builder addAll(Collection<Endpoint> endpoints) {
      endpoints.forEach(this::add);
      return this;
    }

    public Builder aliases(List<String> aliases) {
      this.aliases = List.copyOf(aliases);
      return this;
    }

    /** Sets a Service-wide attribute ({@code key} replaces an earlier value). */
    public Builder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder resolvedAt(Instant resolvedAt) {
      this.resolvedAt = Objects.requireNonNull(resolvedAt, "resolvedAt");
      return this;
    }

    /** How long the answer stays valid; {@code null} when the source has no TTL. */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    public EndpointSet build() {
      return new EndpointSet(kind, source, endpoints, aliases, attributes, 0, resolvedAt, ttl);
    }
  }
}
