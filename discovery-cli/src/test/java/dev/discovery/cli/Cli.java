package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs target/discovery.jar as a separate process, as a user would, and collects its output lines.
 */
final class Cli {
  static final Path JAR = Path.of(System.getProperty("discovery.jar", "target/discovery.jar"));

  /** The bound on any wait for the process; far above what any command needs. */
  static final Duration LIMIT = Duration.ofSeconds(90);

  private Cli() {}

  /** What a finished run printed and returned. */
  record Result(int exit, List<String> out, List<String> err, Duration elapsed) {
    String stdout() {
      return String.join("\n", out);
    }

    String stderr() {
      return String.join("\n", err);
    }

    @Override
    public String toString() {
      return "exit "
          + exit
          + " after "
          + elapsed.toMillis()
          + " ms\n--- stdout\n"
          + stdout()
          + "\n--- stderr\n"
          + stderr();
    }
  }

  /** Runs {@code args} to the end (at most {@link #LIMIT}). */
  static Result run(String... args) {
    try (Running r = start(args)) {
      return r.awaitExit(LIMIT);
    }
  }

  /**
   * Runs {@code args} with {@code jars} on the class path beside the CLI's jar (as a user adds a
   * resolver provider of their own), to the end.
   */
  static Result runWith(List<Path> jars, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dfile.encoding=UTF-8");
    command.add("-cp");
    List<String> path = new ArrayList<>(List.of(JAR.toString()));
    jars.forEach(j -> path.add(j.toString()));
    command.add(String.join(java.io.File.pathSeparator, path));
    command.add("dev.discovery.cli.Main");
    command.addAll(List.of(args));
    try (Running r = new Running(hermetic(command).start())) {
      return r.awaitExit(LIMIT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code args}; close the result to end the process. */
  static Running start(String... args) {
    assertThat(JAR)
        .withFailMessage(
            "%s: not found (expected: the runnable jar, built by `mvn package` before the"
                + " integration tests run)",
            JAR.toAbsolutePath())
        .exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dfile.encoding=UTF-8");
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    try {
      return new Running(hermetic(command).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code command} in an environment without the host's Kubernetes settings: no {@code
   * KUBERNETES_SERVICE_HOST}, no {@code KUBECONFIG}, and a {@code HOME} without {@code
   * .kube/config}, so a {@code k8s} target goes to DNS unless a test passes an API option.
   */
  private static ProcessBuilder hermetic(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().remove("KUBERNETES_SERVICE_HOST");
    b.environment().remove("KUBECONFIG");
    b.environment().put("HOME", EMPTY_HOME.toString());
    return b;
  }

  private static final Path EMPTY_HOME = emptyHome();

  private static Path emptyHome() {
    try {
      Path home = java.nio.file.Files.createTempDirectory("discovery-cli-it-home");
      home.toFile().deleteOnExit();
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A UDP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
  static int closedLoopbackPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running process and the lines it printed so far. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final long started = System.nanoTime();
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    Running(Process process) {
      this.process = process;
      this.outReader = reader(process.getInputStream(), out, "cli-it-stdout");
      this.errReader = reader(process.getErrorStream(), err, "cli-it-stderr");
    }

    private static Thread reader(InputStream in, List<String> into, String name) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    into.add(line);
                  }
                } catch (IOException e) {
                  into.add("(reading failed: " + e + ")");
                }
              },
              name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    List<String> out() {
      return List.copyOf(out);
    }

    List<String> err() {
      return List.copyOf(err);
    }

    /**
     * Waits (bounded) until the lines printed so far match {@code condition}; fails at once if the
     * process ends without them.
     */
    void awaitOut(String what, Predicate<List<String>> condition) {
      await(what)
          .atMost(LIMIT)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (condition.test(out())) {
                  return true;
                }
                if (!process.isAlive()) {
                  errReader.join(1000);
                  throw new AssertionError(
                      "exited with "
                          + process.exitValue()
                          + " before "
                          + what
                          + "\n--- stdout\n"
                          + String.join("\n", out)
                          + "\n--- stderr\n"
                          + String.join("\n", err));
                }
                return false;
              });
    }

    /** Waits (bounded) for the process to end and for its output to be read. */
    Result awaitExit(Duration limit) {
      try {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              "still running after "
                  + limit
                  + "\n--- stdout\n"
                  + String.join("\n", out)
                  + "\n--- stderr\n"
                  + String.join("\n", err));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        outReader.join(limit.toMillis());
        errReader.join(limit.toMillis());
        return new Result(process.exitValue(), out(), err(), elapsed);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
