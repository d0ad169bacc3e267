/**
 * Micrometer metrics of discovery: {@link dev.discovery.micrometer.DiscoveryMetrics}.
 *
 * <p>Null policy: parameters and return values are never null.
 */
package dev.discovery.micrometer;
