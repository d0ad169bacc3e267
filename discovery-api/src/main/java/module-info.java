/**
 * discovery's core: targets, endpoint snapshots, the resolver SPI, live watches and pickers.
 *
 * @uses dev.discovery.api.ResolverProvider
 * @uses dev.discovery.api.PickerFactory
 */
module dev.discovery.api {
  requires transitive org.slf4j;
  requires io.github.resilience4j.core;

  exports dev.discovery.api;
  // Shared with the SDK's own modules only; not part of the public API.
  exports dev.discovery.api.internal to
      dev.discovery.k8s,
      dev.discovery.grpc,
      dev.discovery.testkit,
      dev.discovery.cli;

  uses dev.discovery.api.ResolverProvider;
  uses dev.discovery.api.PickerFactory;

  provides dev.discovery.api.ResolverProvider with
      dev.discovery.api.internal.StaticResolverProvider,
      dev.discovery.api.internal.AutoResolverProvider;
  provides dev.discovery.api.PickerFactory with
      dev.discovery.api.internal.RandomPickerFactory,
      dev.discovery.api.internal.StickyPickerFactory;
}
