package dev.discovery.testkit;

import java.time.Instant;
import java.util.Map;

/**
 * One request {@link FakeApiServer} answered, as its request log records it.
 *
 * @param time when it arrived (the server's clock)
 * @param method the HTTP method
 * @param verb the Kubernetes verb: {@code get}, {@code list}, {@code watch} (also for discovery
 *     documents: {@code get}), or {@code create}, {@code update}, {@code patch}, {@code delete} for
 *     the methods the server refuses
 * @param path the request path, such as {@code /api/v1/namespaces/shop/services}
 * @param query the query parameters, decoded (the last value of a repeated one)
 * @param resource the resource, such as {@code endpointslices}, or {@code null} for discovery
 * @param namespace the namespace in the path, or {@code null}
 * @param name the object's name in the path, or {@code null}
 * @param token the bearer token sent, or {@code null}
 * @param clientCertificate the common name of the client certificate presented, or {@code null}
 * @param userAgent the {@code User-Agent} header, or {@code null}
 * @param status the HTTP status answered (200 for a watch that streamed)
 * @since 0.1
 */
public record ApiRequest(
    Instant time,
    String method,
    String verb,
    String path,
    Map<String, String> query,
    String resource,
    String namespace,
    String name,
    String token,
    String clientCertificate,
    String userAgent,
    int status) {

  public ApiRequest {
    query = Map.copyOf(query);
  }

  /** Whether this is a watch that asked to resume from a resource version other than 0. */
  public boolean resumed() {
    String rv = query.get("resourceVersion");
    return verb.equals("watch") && rv != null && !rv.isEmpty() && !rv.equals("0");
  }
}
