package dev.discovery.examples;

import dev.discovery.api.Affinity;
import dev.discovery.api.Discovery;
import dev.discovery.grpc.DiscoveryGrpc;
import dev.discovery.grpc.StickyConfig;
import dev.discovery.k8s.ApiResolverProvider;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/** README's gRPC quick start and docs/grpc.md's channels. */
public final class GrpcQuickStart {
  private GrpcQuickStart() {}

  static ManagedChannel stickyChannel(String target) {
    // snippet:grpc-sticky
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
            .defaultServiceConfig( // the key is the value of each call's x-session-id header
                StickyConfig.of("x-session-id").withAffinity(Affinity.clientIp()).serviceConfig())
            .build();
    // end-snippet
    return channel;
  }

  static ManagedChannel primaryChannel(String target) {
    // snippet:grpc-custom-policy
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
            .defaultLoadBalancingPolicy("primary") // PrimaryPolicy, found by ServiceLoader
            .build();
    // end-snippet
    return channel;
  }

  /** A channel resolved by {@code discovery} ({@link DnsSource#discovery}: namespace shop). */
  static ManagedChannel channel(Discovery discovery) {
    // snippet:grpc-own-discovery
    ManagedChannel channel =
        Grpc.newChannelBuilder("k8s:///web:grpc", InsecureChannelCredentials.create())
            .setNameResolverArg(DiscoveryGrpc.DISCOVERY, discovery) // the channel does not close it
            .defaultLoadBalancingPolicy("random")
            .build();
    // end-snippet
    return channel;
  }

  // snippet:grpc-api-source
  static Discovery apiDiscovery(Path kubeconfig) { // default: the pod's account, else KUBECONFIG
    return Discovery.builder()
        .provider(ApiResolverProvider.builder().kubeconfig(kubeconfig).build()) // reads it now
        .build();
  }

  static ManagedChannel apiChannel(Discovery discovery) {
    return Grpc.newChannelBuilder("k8s+api:///web.shop:grpc", InsecureChannelCredentials.create())
        .setNameResolverArg(DiscoveryGrpc.DISCOVERY, discovery) // the channel does not close it
        .defaultLoadBalancingPolicy("random")
        .build();
  }

  // end-snippet

  // snippet:grpc-quick-start
  static ManagedChannel channel(String target) { // target: "k8s:///web.shop:grpc"
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy("random") // or "sticky" with a service config naming its key
        .build();
  }
  // end-snippet
}
