package dev.discovery.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.spi.IpAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} shapes (jackson-jr). Field names are stable; absent values are {@code null},
 * never missing, so scripts can rely on every key.
 */
final class Json {
  private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
  private static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

  private Json() {}

  static String pretty(Object value) {
    return write(PRETTY, value);
  }

  /** One line, for one event per line ({@code watch --json}). */
  static String line(Object value) {
    return write(COMPACT, value);
  }

  private static String write(JSON json, Object value) {
    try {
      return json.asString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> endpoint(Endpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", IpAddresses.format(e.ip()));
    m.put("port", e.port());
    m.put("hostname", e.hostname());
    m.put("zone", e.zone());
    m.put("node", e.node());
    m.put("ready", e.ready());
    m.put("serving", e.serving());
    m.put("terminating", e.terminating());
    m.put("attributes", e.attributes());
    return m;
  }

  static List<Object> endpoints(List<Endpoint> endpoints) {
    List<Object> out = new ArrayList<>();
    endpoints.forEach(e -> out.add(endpoint(e)));
    return out;
  }

  /** A snapshot: kind, source, revision, time, TTL, staleness and every endpoint. */
  static Map<String, Object> snapshot(String target, EndpointSet set, Duration staleness) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("kind", set.kind().name());
    m.put("source", source(set));
    m.put("aliases", set.aliases());
    m.put("revision", set.revision());
    m.put("resolvedAt", set.resolvedAt().toString());
    m.put("ttlSeconds", set.ttl() == null ? null : set.ttl().toMillis() / 1000.0);
    m.put("stalenessSeconds", staleness.toMillis() / 1000.0);
    m.put("endpoints", endpoints(set.endpoints()));
    return m;
  }

  static Map<String, Object> source(EndpointSet set) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", set.source().name());
    m.put("reason", set.source().reason().isEmpty() ? null : set.source().reason());
    return m;
  }

  /** A failed resolution: the target and the error's kind and message. */
  static Map<String, Object> failure(String target, ResolutionError error) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("error", error(error));
    return m;
  }

  static Map<String, Object> error(ResolutionError error) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", error.kind().name());
    m.put("message", error.message());
    return m;
  }

  /** A diff: added and removed endpoints, changed ones with before and after. */
  static Map<String, Object> diff(EndpointDiff diff) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("added", endpoints(diff.added()));
    m.put("removed", endpoints(diff.removed()));
    List<Object> changed = new ArrayList<>();
    for (EndpointDiff.Change c : diff.changed()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("before", endpoint(c.before()));
      one.put("after", endpoint(c.after()));
      changed.add(one);
    }
    m.put("changed", changed);
    m.put("notes", diff.notes());
    return m;
  }
}
