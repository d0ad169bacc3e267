package dev.discovery.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The implementations behind {@link Environment}'s factories. */
final class Environments {
  private Environments() {}

  static final Environment SYSTEM =
      new Environment() {
        @Override
        public Optional<String> variable(String name) {
          return Optional.ofNullable(System.getenv(Objects.requireNonNull(name, "name")));
        }

        @Override
        public Optional<String> file(Path path) {
          Objects.requireNonNull(path, "path");
          try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
          } catch (IOException | SecurityException e) {
            return Optional.empty();
          }
        }

        @Override
        public String toString() {
          return "Environment.system()";
        }
      };

  /** A fixed set of variables and files. */
  record Fixed(Map<String, String> variables, Map<Path, String> files) implements Environment {
    public Fixed {
      variables = Map.copyOf(variables);
      files = Map.copyOf(files);
    }

    @Override
    public Optional<String> variable(String name) {
      return Optional.ofNullable(variables.get(Objects.requireNonNull(name, "name")));
    }

    @Override
    public Optional<String> file(Path path) {
      return Optional.ofNullable(files.get(Objects.requireNonNull(path, "path")));
    }
  }
}
