/**
 * gRPC support for discovery: name resolvers for the {@code k8s}, {@code k8s+dns}, {@code k8s+api}
 * and {@code static} channel targets (and any other scheme through {@link
 * dev.discovery.grpc.DiscoveryGrpc#registerSchemes}), and the {@code random} and {@code sticky}
 * load-balancing policies (plus every policy plugged in through discovery-api's {@link
 * dev.discovery.api.Policy} SPI).
 *
 * @provides io.grpc.NameResolverProvider
 * @provides io.grpc.LoadBalancerProvider
 */
module dev.discovery.grpc {
  requires transitive dev.discovery.api;
  requires transitive io.grpc;

  exports dev.discovery.grpc;

  provides io.grpc.NameResolverProvider with
      dev.discovery.grpc.internal.K8sNameResolverProvider,
      dev.discovery.grpc.internal.K8sDnsNameResolverProvider,
      dev.discovery.grpc.internal.K8sApiNameResolverProvider,
      dev.discovery.grpc.internal.StaticNameResolverProvider;
  provides io.grpc.LoadBalancerProvider with
      dev.discovery.grpc.internal.RandomLoadBalancerProvider,
      dev.discovery.grpc.internal.StickyLoadBalancerProvider;
}
