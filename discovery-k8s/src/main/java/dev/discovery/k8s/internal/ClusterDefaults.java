package dev.discovery.k8s.internal;

import dev.discovery.api.Environment;
import dev.discovery.spi.ResolverContext;
import java.nio.file.Path;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The defaults a Kubernetes target leaves to the resolver, from the injected environment: the
 * namespace (the pod's own from the service-account file, else resolv.conf's first search domain
 * {@code <ns>.svc.<zone>}, else {@code default}) and the zone (from the search list, else {@code
 * cluster.local}); settings on the provider's builder win. Reads files: call off any event loop.
 *
 * @param namespace the default namespace
 * @param zone the cluster zone, without a trailing dot
 * @param resolvConf the environment's resolv.conf
 */
public record ClusterDefaults(String namespace, String zone, ResolvConf resolvConf) {
  static final String DEFAULT_NAMESPACE = "default";
  static final String DEFAULT_ZONE = "cluster.local";

  /** Where Kubernetes mounts a pod's service-account token, CA and namespace. */
  public static final Path SERVICE_ACCOUNT_DIR =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** The resolver configuration a pod's DNS lookups use. */
  public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  /** The defaults for {@code context}'s environment; settings in {@code options} win. */
  public static ClusterDefaults load(ResolverContext context, DnsOptions options) {
    return load(context.environment(), options.namespace(), options.clusterDomain());
  }

  /**
   * The defaults read from {@code env}; {@code namespace} and {@code clusterDomain} win when not
   * {@code null}.
   */
  public static ClusterDefaults load(Environment env, String namespace, String clusterDomain) {
    ResolvConf resolv = env.file(RESOLV_CONF).map(ResolvConf::parse).orElse(ResolvConf.EMPTY);
    Optional<String> ns =
        Optional.ofNullable(namespace)
            .or(
                () ->
                    env.file(SERVICE_ACCOUNT_DIR.resolve(Path.of("namespace")))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty()))
            .or(() -> fromSearch(resolv, true));
    String zone =
        Optional.ofNullable(clusterDomain).or(() -> fromSearch(resolv, false)).orElse(DEFAULT_ZONE);
    return new ClusterDefaults(ns.orElse(DEFAULT_NAMESPACE), zone, resolv);
  }

  /**
   * From a pod's search list {@code <ns>.svc.<zone> svc.<zone> <zone>}: the namespace of the first
   * entry, or the zone after the first {@code svc} label found.
   */
  private static Optional<String> fromSearch(ResolvConf resolv, boolean namespace) {
    for (int i = 0; i < resolv.search().size(); i++) {
      Name n = resolv.search().get(i);
      String[] labels = n.toString(true).toLowerCase(java.util.Locale.ROOT).split("\\.");
      for (int j = 0; j < labels.length; j++) {
        if (labels[j].equals("svc") && j + 1 < labels.length) {
          if (namespace) {
            return i == 0 && j == 1 ? Optional.of(labels[0]) : Optional.empty();
          }
          return Optional.of(
              String.join(".", java.util.Arrays.copyOfRange(labels, j + 1, labels.length)));
        }
      }
      if (namespace) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
