package dev.discovery.testkit;

/**
 * How {@link FakeApiServer} tells a watch that its resource version is too old (410 Expired): real
 * API servers do both, and clients must handle both.
 *
 * @since 0.1
 */
public enum ExpiredStyle {
  /** An HTTP 410 response with a {@code Status} body, before any stream starts. */
  HTTP_STATUS,
  /** A 200 response whose stream holds one {@code ERROR} event with a 410 {@code Status}. */
  IN_STREAM
}
