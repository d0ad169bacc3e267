package dev.discovery.k8s.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Test resources under {@code api/} as jackson-jr Map trees, and parsed models. */
final class ApiJson {
  private ApiJson() {}

  static Map<String, Object> map(String resource) {
    try (InputStream in = ApiJson.class.getResourceAsStream("/api/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("resource: " + resource + " (expected: under api/)");
      }
      return JSON.std.mapFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> mapOf(String json) {
    try {
      return JSON.std.mapFrom(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T ok(Parsed<T> parsed) {
    if (parsed instanceof Parsed.Ok<T> ok) {
      return ok.value();
    }
    throw new AssertionError("expected a parsed object, got " + parsed);
  }

  static ServiceObject service(String resource) {
    return ok(ServiceObject.parse(map(resource)));
  }

  static SliceObject slice(String resource) {
    return ok(SliceObject.parse(map(resource)));
  }

  static NodeObject node(String resource) {
    return ok(NodeObject.parse(map(resource)));
  }
}
