/**
 * Kubernetes sources for discovery: the {@link dev.discovery.k8s.KubernetesTarget} grammar, the DNS
 * resolver ({@code k8s+dns}), the API resolver ({@code k8s+api}) and the {@code k8s} scheme, which
 * chooses the source and says which.
 *
 * @provides dev.discovery.spi.ResolverProvider
 */
module dev.discovery.k8s {
  requires transitive dev.discovery.api;
  requires org.dnsjava;
  requires com.fasterxml.jackson.jr.ob;
  requires org.snakeyaml.engine;
  requires java.net.http;

  exports dev.discovery.k8s;
  // The CLI parses --dns-server with the target grammar's host:port parser; not a public API.
  exports dev.discovery.k8s.internal to
      dev.discovery.cli;

  provides dev.discovery.spi.ResolverProvider with
      dev.discovery.k8s.DnsResolverProvider,
      dev.discovery.k8s.ApiResolverProvider,
      dev.discovery.k8s.internal.AutoResolverProvider;
}
