/**
 * Micrometer metrics of a {@link dev.discovery.api.Discovery}: {@link
 * dev.discovery.micrometer.DiscoveryMetrics}, one {@code MeterBinder}.
 */
module dev.discovery.micrometer {
  requires transitive dev.discovery.api;
  requires transitive micrometer.core;

  exports dev.discovery.micrometer;
}
