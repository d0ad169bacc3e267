/**
 * The public API of discovery: {@link dev.discovery.api.Discovery} turns a {@link
 * dev.discovery.api.Target} into a live {@link dev.discovery.api.ServiceWatch}, whose {@link
 * dev.discovery.api.Balancer}s pick an {@link dev.discovery.api.Endpoint} per call. Sources plug in
 * through {@link dev.discovery.spi.ResolverProvider}, policies through {@link
 * dev.discovery.api.Policy}.
 *
 * <p>Null policy: parameters and return values are never null, except record components and methods
 * whose documentation says "or {@code null}".
 */
package dev.discovery.api;
