package dev.discovery.testkit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Every request a {@link FakeApiServer} answered, in the order answered. Tests count lists and
 * watches to assert, for example, that a client resumed its watch instead of listing again:
 *
 * <pre>{@code
 * assertThat(api.requests().count("list", "endpointslices")).isEqualTo(1);
 * assertThat(api.requests().matching(ApiRequest::resumed)).hasSize(2);
 * }</pre>
 *
 * Thread-safe.
 *
 * @since 0.1
 */
public final class ApiRequestLog {
  private final CopyOnWriteArrayList<ApiRequest> requests = new CopyOnWriteArrayList<>();

  ApiRequestLog() {}

  void add(ApiRequest request) {
    requests.add(request);
  }

  /** Every request so far. */
  public List<ApiRequest> all() {
    return List.copyOf(requests);
  }

  /** The requests {@code filter} accepts. */
  public List<ApiRequest> matching(Predicate<ApiRequest> filter) {
    Objects.requireNonNull(filter, "filter");
    return requests.stream().filter(filter).toList();
  }

  /** How many requests had {@code verb} (such as {@code list}) on {@code resource}. */
  public long count(String verb, String resource) {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(resource, "resource");
    return requests.stream()
        .filter(r -> verb.equals(r.verb()) && resource.equals(r.resource()))
        .count();
  }

  /** Forgets the requests so far. */
  public void clear() {
    requests.clear();
  }

  @Override
  public String toString() {
    return "ApiRequestLog"
        + requests.stream().map(r -> r.verb() + " " + r.path() + " " + r.status()).toList();
  }
}
