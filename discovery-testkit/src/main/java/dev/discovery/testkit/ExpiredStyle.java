package dev.discovery.testkit;

/**
 * How {@link FakeApiServer} tells a watch that its resource version is too old (410 Expired).
 * Kubernetes' API server answers a watch from its watch cache with an ERROR event in a 200 stream
 * (the default here); an HTTP 410 is what clients also meet (older servers, proxies, lists), and
 * clients must handle both.
 *
 * @since 0.1
 */
public enum ExpiredStyle {
  /** An HTTP 410 response with a {@code Status} body, before any stream starts. */
  HTTP_STATUS,
  /**
   * A 200 response whose stream holds one {@code ERROR} event with a 410 {@code Status}, then ends
   * (the default, as Kubernetes' watch cache answers).
   */
  IN_STREAM
}
