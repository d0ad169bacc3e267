/**
 * discovery for grpc-java: channel targets such as {@code k8s:///web.shop:grpc} and the {@code
 * random} and {@code sticky} load-balancing policies, found by grpc's {@link
 * java.util.ServiceLoader} registries once this module is on the class path or module path.
 *
 * <pre>{@code
 * ManagedChannel channel =
 *     Grpc.newChannelBuilder("k8s:///web.shop:grpc", InsecureChannelCredentials.create())
 *         .defaultLoadBalancingPolicy("random")
 *         .build();
 * }</pre>
 *
 * <p>{@link dev.discovery.grpc.DiscoveryGrpc} holds the few hooks there are (a channel's own {@code
 * Discovery}, the endpoint attribute); {@link dev.discovery.grpc.StickyConfig} is the typed {@code
 * sticky} configuration.
 *
 * <p>Null policy: parameters and return values are never null, except record components and methods
 * whose documentation says "or {@code null}".
 */
package dev.discovery.grpc;
