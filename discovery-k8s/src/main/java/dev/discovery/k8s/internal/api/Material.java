package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A piece of connection material (a CA, certificate, key or token) as written in a file or inline,
 * with a description of where it came from for messages. {@link #toString()} is the description
 * only, never inline content.
 *
 * @param description where it comes from, e.g. {@code certificate-authority /x/ca.crt (kubeconfig
 *     /x/config, cluster "kind")}
 * @param file the file to read, or {@code null} when inline
 * @param inline the content, or {@code null} when in a file
 */
record Material(String description, Path file, String inline) {
  Material {
    Objects.requireNonNull(description, "description");
    if ((file == null) == (inline == null)) {
      throw new IllegalArgumentException("exactly one of file and inline (expected: one)");
    }
  }

  static Material file(String field, Path file, String where) {
    return new Material(field + " " + file + where, file, null);
  }

  static Material inline(String field, String content, String where) {
    return new Material(field + where, null, content);
  }

  /** The content: the inline text, or the file's read now through {@code env}. */
  String read(Environment env) throws ApiConfigException {
    if (inline != null) {
      return inline;
    }
    return env.file(file)
        .orElseThrow(
            () ->
                new ApiConfigException(
                    description + ": cannot read the file (expected: a readable file)"));
  }

  @Override
  public String toString() {
    return description;
  }
}
