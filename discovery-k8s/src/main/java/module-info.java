/**
 * Kubernetes sources for discovery: the DNS resolver ({@code k8s+dns}, and {@code k8s} when the API
 * source is not used).
 *
 * @provides dev.discovery.spi.ResolverProvider
 */
module dev.discovery.k8s {
  requires transitive dev.discovery.api;
  requires org.dnsjava;

  exports dev.discovery.k8s;

  provides dev.discovery.spi.ResolverProvider with
      dev.discovery.k8s.DnsResolverProvider;
}
