package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import java.time.Duration;
import java.util.List;

/**
 * Where the end-to-end scenarios publish their pods: the Service's ready endpoints, as a resolver
 * sees them (a scripted resolver, or the testkit's cluster behind its DNS server).
 */
interface PodDirectory extends AutoCloseable {

  /** The channel target of the Service. */
  String target();

  /** The discovery channels resolve with, or {@code null} for the shared one. */
  Discovery discovery();

  /** The Service's ready endpoints are these pods from now on. */
  void publish(List<Pods.Pod> pods);

  /** How long resolution may take to see a change (the DNS TTL; zero when pushed). */
  Duration ttl();

  /** Which source the scenarios run over, for the printed figures. */
  String name();

  @Override
  void close();
}
