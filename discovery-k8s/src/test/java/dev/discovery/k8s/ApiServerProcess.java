package dev.discovery.k8s;

import dev.discovery.testkit.FakeApiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The testkit's fake API server in a JVM of its own, serving {@link LeakTest#headlessCluster(int,
 * int) one headless Service of three pods}, so that a test's heap holds the client's side only. The
 * child prints {@code kubeconfig=<path>} and serves until its input ends.
 */
final class ApiServerProcess implements AutoCloseable {
  private final Process process;
  private final Path kubeconfig;

  private ApiServerProcess(Process process, Path kubeconfig) {
    this.process = process;
    this.kubeconfig = kubeconfig;
  }

  /** Starts the child JVM on this JVM's class path and waits for its kubeconfig. */
  static ApiServerProcess start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ApiServerProcess.class.getName());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // blocks until the child has started its server, or exited
    if (line == null || !line.startsWith("kubeconfig=")) {
      p.destroyForcibly();
      throw new IOException("the API server process said " + line + " (expected: kubeconfig=...)");
    }
    return new ApiServerProcess(p, Path.of(line.substring("kubeconfig=".length())));
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  public static void main(String[] args) throws IOException {
    try (FakeApiServer api = FakeApiServer.start(LeakTest.headlessCluster(1, 3))) {
      System.out.println("kubeconfig=" + api.kubeconfig());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input
      }
    }
  }
}
