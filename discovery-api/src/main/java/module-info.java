/**
 * discovery's core: targets, endpoint snapshots, the resolver SPI, live watches and pickers.
 *
 * @uses dev.discovery.spi.ResolverProvider
 * @uses dev.discovery.api.Policy
 */
module dev.discovery.api {
  requires transitive org.slf4j;
  requires io.github.resilience4j.core;

  exports dev.discovery.api;
  exports dev.discovery.spi;
  // Shared with the SDK's own modules only; not part of the public API.
  exports dev.discovery.api.internal to
      dev.discovery.k8s,
      dev.discovery.grpc,
      dev.discovery.testkit,
      dev.discovery.cli;

  uses dev.discovery.spi.ResolverProvider;
  uses dev.discovery.api.Policy;

  provides dev.discovery.spi.ResolverProvider with
      dev.discovery.api.internal.StaticResolverProvider;
  provides dev.discovery.api.Policy with
      dev.discovery.api.internal.RandomPolicy,
      dev.discovery.api.internal.StickyPolicy;
}
