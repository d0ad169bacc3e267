package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * FakeClusterExtension promises to work with JUnit 5.10+: it is compiled here against JUnit 5.10's
 * API jars (copied to target/junit-oldest by the build), with deprecation warnings as errors.
 */
class OldestJunitCompatibilityTest {

  @Test
  void extension_compilesAgainstJunit510_withoutDeprecatedApi() throws IOException {
    Path oldest = Path.of("target", "junit-oldest");
    List<String> classpath = new ArrayList<>();
    try (Stream<Path> jars = Files.list(oldest)) {
      jars.map(Path::toString).forEach(classpath::add);
    }
    assertThat(classpath).anyMatch(j -> j.contains("junit-jupiter-api-5.10"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("junit")
          && !entry.contains("opentest4j")
          && !entry.contains("apiguardian")) {
        classpath.add(entry);
      }
    }
    Path out = Files.createTempDirectory("junit-oldest-classes");
    Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
    Process p =
        new ProcessBuilder(
                javac.toString(),
                "-Xlint:deprecation",
                "-Werror",
                "-proc:none",
                "-d",
                out.toString(),
                "-cp",
                String.join(File.pathSeparator, classpath),
                "src/main/java/dev/discovery/testkit/FakeClusterExtension.java")
            .redirectErrorStream(true)
            .start();
    String diagnostics = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ok;
    try {
      ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }

    assertThat(ok).as("javac against JUnit 5.10:\n%s", diagnostics).isTrue();
    assertThat(out.resolve("dev/discovery/testkit/FakeClusterExtension.class")).exists();
  }
}
