/**
 * Kubernetes sources: {@link dev.discovery.k8s.DnsResolverProvider} resolves Services through the
 * cluster DNS (A/AAAA, SRV, CNAME, PTR) as live endpoint lists.
 *
 * <p>Null policy: parameters and return values are never null.
 */
package dev.discovery.k8s;
