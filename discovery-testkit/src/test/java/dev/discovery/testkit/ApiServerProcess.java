package dev.discovery.testkit;

import java.io.IOException;

/**
 * A fake API server with the defaults in a JVM of its own, for tests that must stop the server's
 * process (FakeApiServerBacklogTest): prints {@code port=<port>}, serves until its input ends.
 */
final class ApiServerProcess {
  private ApiServerProcess() {}

  public static void main(String[] args) throws IOException {
    try (FakeApiServer api = FakeApiServer.start(FakeCluster.create())) {
      System.out.println("port=" + api.url().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input
      }
    }
  }
}
