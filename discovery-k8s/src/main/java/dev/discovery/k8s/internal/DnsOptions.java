package dev.discovery.k8s.internal;

import dev.discovery.spi.Backoff;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The DNS source's settings, validated by {@link dev.discovery.k8s.DnsResolverProvider.Builder}.
 *
 * @param server the server to ask, or {@code null} for resolv.conf's
 * @param namespace the namespace for targets that name none, or {@code null} for the default
 * @param clusterDomain the cluster zone, or {@code null} for the default
 */
public record DnsOptions(
    InetSocketAddress server,
    Duration queryTimeout,
    Duration minRefresh,
    Duration maxRefresh,
    Backoff backoff,
    int notFoundGrace,
    int maxEndpoints,
    RandomGenerator random,
    String namespace,
    String clusterDomain) {}
