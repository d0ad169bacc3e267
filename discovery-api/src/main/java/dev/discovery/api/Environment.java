package dev.discovery.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the SDK and its resolvers read from the host: environment variables and files (such as
 * {@code /etc/resolv.conf}). Injected like the clock, so tests never read the host's.
 *
 * <p>Implementations are thread-safe. {@link #file(Path)} may block: call it off any event loop.
 *
 * @since 0.1
 */
public interface Environment {

  /** The value of environment variable {@code name}, if set. */
  Optional<String> variable(String name);

  /** The content of the file at {@code path} (UTF-8), if it exists and can be read. */
  Optional<String> file(Path path);

  /** The host this process runs on: {@link System#getenv(String)} and the file system. */
  static Environment system() {
    return Environments.SYSTEM;
  }

  /** An environment with no variables and no files. */
  static Environment empty() {
    return of(Map.of(), Map.of());
  }

  /** An environment of exactly these variables and files (for tests and tools). */
  static Environment of(Map<String, String> variables, Map<Path, String> files) {
    return new Environments.Fixed(variables, files);
  }
}
