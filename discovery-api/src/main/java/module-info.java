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
  // The testkit's servers name their threads as the SDK does (DiscoveryThreads); nothing else of
  // the implementation is shared: the other modules use the exported packages only.
  exports dev.discovery.api.internal to
      dev.discovery.testkit;

  uses dev.discovery.spi.ResolverProvider;
  uses dev.discovery.api.Policy;

  provides dev.discovery.spi.ResolverProvider with
      dev.discovery.api.internal.StaticResolverProvider;
  provides dev.discovery.api.Policy with
      dev.discovery.api.internal.RandomPolicy,
      dev.discovery.api.internal.StickyPolicy,
      dev.discovery.api.internal.LeastRequestPolicy;
}
