package dev.discovery.k8s;

import dev.discovery.api.Target;
import dev.discovery.k8s.internal.DnsOptions;
import dev.discovery.k8s.internal.DnsResolver;
import dev.discovery.k8s.internal.KubernetesTargetParser;
import dev.discovery.k8s.internal.ServiceTargets;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The {@code k8s+dns} source: a Kubernetes Service as a live endpoint list from the cluster DNS.
 *
 * <ul>
 *   <li>Names: {@code <svc>}, {@code <svc>.<ns>}, {@code <svc>.<ns>.svc}, full and absolute names,
 *       with the pod's resolv.conf search list and ndots as libc applies them; or the full name
 *       first against an explicit server (the target's authority, or {@link Builder#server}).
 *       NXDOMAIN moves on to the next name; a failure (REFUSED inside the cluster zone or for the
 *       name that answered before, SERVFAIL, a timeout) stops there as an UNAVAILABLE error, never
 *       "not found".
 *   <li>Kinds: ClusterIP (one virtual address), headless (an endpoint per A/AAAA record, hostnames
 *       and per-endpoint ports from SRV), ExternalName (the CNAME chain followed, at most 8 links).
 *   <li>Ports: a number from the target, or a port name through SRV {@code _<name>._tcp.<name>}.
 *   <li>Live: every watched name is asked of the server each time (no answer cache, no hosts file),
 *       again after the answer's TTL x U[0.8, 1.0] clamped to [{@link Builder#minRefresh}, {@link
 *       Builder#maxRefresh}], and on {@code refresh()} at most once per minRefresh. Failures back
 *       off ({@link Backoff}) and keep the last good list; a name that was good is reported gone
 *       (an empty list) only after {@link Builder#notFoundGrace} authoritative NXDOMAIN (or empty)
 *       answers in a row.
 * </ul>
 *
 * <p>Found by {@link java.util.ServiceLoader} with the defaults; register a configured one with
 * {@code Discovery.builder().provider(DnsResolverProvider.builder()...build())}. Thread-safe.
 *
 * @since 0.1
 */
public final class DnsResolverProvider implements ResolverProvider {
  private final DnsOptions options;

  /** The provider with every default (for {@link java.util.ServiceLoader}). */
  public DnsResolverProvider() {
    this(new Builder());
  }

  private DnsResolverProvider(Builder b) {
    this.options =
        new DnsOptions(
            b.server,
            b.queryTimeout,
            b.minRefresh,
            b.maxRefresh,
            b.backoff,
            b.notFoundGrace,
            b.maxEndpoints,
            b.random,
            b.namespace,
            b.clusterDomain);
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String scheme() {
    return KubernetesTarget.K8S_DNS;
  }

  /** Parses the {@link KubernetesTarget} grammar. */
  @Override
  public Target parse(String target) {
    return KubernetesTarget.parse(target);
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    return ServiceTargets.resolver(target, t -> new DnsResolver(t, context, options));
  }

  @Override
  public String toString() {
    return "DnsResolverProvider" + options;
  }

  /** Builds a {@link DnsResolverProvider}. */
  public static final class Builder {
    private InetSocketAddress server;
    private Duration queryTimeout = Duration.ofSeconds(2);
    private Duration minRefresh = Duration.ofSeconds(1);
    private Duration maxRefresh = Duration.ofSeconds(30);
    private Backoff backoff = Backoff.defaults();
    private int notFoundGrace = 2;
    private int maxEndpoints = 10_000;
    private RandomGenerator random = new Random();
    private String namespace;
    private String clusterDomain;

    private Builder() {}

    /**
     * The namespace for targets that name none (default: the pod's own from the service-account
     * file, else resolv.conf's first search domain, else {@code default}).
     */
    public Builder namespace(String namespace) {
      KubernetesTargetParser.requireNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    /**
     * The cluster zone (default: from the resolv.conf search list, else {@code cluster.local}).
     * With the shortest Service and namespace names, {@code a.b.svc.<zone>}, the whole name must
     * stay within 253 characters.
     */
    public Builder clusterDomain(String clusterDomain) {
      Objects.requireNonNull(clusterDomain, "clusterDomain");
      String d =
          clusterDomain.endsWith(".")
              ? clusterDomain.substring(0, clusterDomain.length() - 1)
              : clusterDomain;
      for (String label : d.split("\\.", -1)) {
        String problem = KubernetesTargetParser.labelProblem(label, false);
        if (problem != null) {
          throw new IllegalArgumentException(
              "clusterDomain: \""
                  + clusterDomain
                  + "\": label \""
                  + label
                  + "\" "
                  + problem
                  + " (expected: DNS-1123 labels such as cluster.local)");
        }
      }
      int longest = KubernetesTargetParser.MAX_NAME_LENGTH - "a.b.svc.".length();
      if (d.length() > longest) {
        throw new IllegalArgumentException(
            "clusterDomain: "
                + d.length()
                + " characters (expected: at most "
                + longest
                + ", so that <service>.<namespace>.svc.<zone> fits a DNS name's 253)");
      }
      this.clusterDomain = d;
      return this;
    }

    /**
     * The DNS server to ask, for targets without an authority (default: the nameservers of the
     * environment's resolv.conf). A server set here or in the target makes the full name {@code
     * <svc>.<ns>.svc.<zone>} the first one asked.
     */
    public Builder server(InetSocketAddress server) {
      Objects.requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException(
            "server: "
                + server.getHostString()
                + ":"
                + server.getPort()
                + " (expected: an IP address and port, not a host name)");
      }
      this.server = server;
      return this;
    }

    /** How long to wait for one answer (default 2 s). */
    public Builder queryTimeout(Duration timeout) {
      this.queryTimeout = positive(timeout, "queryTimeout");
      return this;
    }

    /** The shortest time between two resolutions of a name (default 1 s). */
    public Builder minRefresh(Duration minRefresh) {
      this.minRefresh = positive(minRefresh, "minRefresh");
      return this;
    }

    /** The longest time between two resolutions of a name, whatever the TTL (default 30 s). */
    public Builder maxRefresh(Duration maxRefresh) {
      this.maxRefresh = positive(maxRefresh, "maxRefresh");
      return this;
    }

    /**
     * How to wait after failures (default {@link Backoff#defaults()}: 1 s doubling to 30 s, +/-50
     * %).
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How many authoritative NXDOMAIN (or empty) answers in a row make a name that had endpoints
     * count as gone (default 2): one stray answer never empties a good list.
     */
    public Builder notFoundGrace(int answers) {
      if (answers < 1) {
        throw new IllegalArgumentException("notFoundGrace: " + answers + " (expected: >= 1)");
      }
      this.notFoundGrace = answers;
      return this;
    }

    /** The most endpoints one answer may hold (default 10,000); more is reported as oversized. */
    public Builder maxEndpoints(int maxEndpoints) {
      if (maxEndpoints < 1) {
        throw new IllegalArgumentException("maxEndpoints: " + maxEndpoints + " (expected: >= 1)");
      }
      this.maxEndpoints = maxEndpoints;
      return this;
    }

    /**
     * The random source for the jitter of refreshes and of the backoff after failures (default a
     * new {@link Random}); seed it in tests.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    /**
     * @throws IllegalArgumentException if maxRefresh is below minRefresh
     */
    public DnsResolverProvider build() {
      if (maxRefresh.compareTo(minRefresh) < 0) {
        throw new IllegalArgumentException(
            "maxRefresh: " + maxRefresh + " (expected: >= minRefresh " + minRefresh + ")");
      }
      return new DnsResolverProvider(this);
    }
  }
}
