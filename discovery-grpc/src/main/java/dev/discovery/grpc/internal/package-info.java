/**
 * Implementation details of discovery-grpc: the name resolver, the load balancer and its picker,
 * and the providers {@link java.util.ServiceLoader} finds. Not exported; may change in any release.
 *
 * <p>Null policy: as in {@link dev.discovery.grpc}; fields and parameters that may be null say so.
 */
package dev.discovery.grpc.internal;
