package dev.discovery.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl against a kubeconfig: {@code DISCOVERY_KUBECTL} if set, else the one on the
 * PATH. Missing, it fails the test (README's ./run-tests installs Debian's kubernetes-client).
 */
final class Kubectl {
  private final Path kubeconfig;
  private final Path cacheDir;

  Kubectl(Path kubeconfig, Path cacheDir) {
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  static Path executable() {
    String chosen = System.getenv("DISCOVERY_KUBECTL");
    if (chosen != null && !chosen.isEmpty()) {
      return Path.of(chosen);
    }
    return Executables.find("kubectl", List.of())
        .orElseThrow(
            () ->
                new AssertionError(
                    "kubectl: not found on the PATH (expected: Debian's kubernetes-client:"
                        + " apt-get install -y --no-install-recommends kubernetes-client;"
                        + " README's ./run-tests installs it)"));
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable().toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.add("--cache-dir=" + cacheDir);
    cmd.add("--request-timeout=20s");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** kubectl's output; throws with it when the exit status is not 0. */
  String run(String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("kubectl did not finish: " + String.join(" ", args));
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** A running kubectl whose output lines are collected as they come. */
  Running start(String... args) throws IOException {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    Running running = new Running(p);
    Thread reader = new Thread(running::read, "kubectl-output");
    reader.setDaemon(true);
    reader.start();
    return running;
  }

  static final class Running implements AutoCloseable {
    private final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Running(Process process) {
      this.process = process;
    }

    private void read() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(read failed: " + e + ")");
      }
    }

    String output() {
      return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
