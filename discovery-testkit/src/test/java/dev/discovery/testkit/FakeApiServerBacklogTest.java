package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fake API server's accept queue holds a burst of connections: clients opening hundreds of
 * watch streams at once are queued, not left to the kernel's SYN retries (which a client with a
 * connect timeout sees as a timeout). The server runs in a JVM of its own, stopped with SIGSTOP
 * while the connections open, so that it accepts none of them: the kernel's queue of its listening
 * socket (whose length {@code /proc/net/tcp} shows as {@code rx_queue}) then holds every connection
 * it takes, at most the backlog plus one (51 with the JDK server's default of 50). Linux only.
 */
class FakeApiServerBacklogTest {
  /** More than the JDK's default backlog of 50 by far, fewer than the server's default 1024. */
  static final int CONNECTIONS = 300;

  @Test
  void connectionsOpenedAtOnce_whileTheServerAcceptsNone_allWaitInItsQueue_andAreAccepted()
      throws Exception {
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ApiServerProcess.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<SocketChannel> clients = new ArrayList<>();
    try {
      int port = port(server);
      signal(server, "STOP");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> threadStates(server).allMatch(s -> s.equals("T")));
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      for (int i = 0; i < CONNECTIONS; i++) {
        SocketChannel c = SocketChannel.open();
        clients.add(c);
        c.configureBlocking(false);
        c.connect(address);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(acceptQueue(port))
                      .as("connections waiting in the stopped server's accept queue")
                      .isEqualTo(CONNECTIONS));
      signal(server, "CONT");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(acceptQueue(port)).as("connections left unaccepted").isZero());
      for (SocketChannel c : clients) {
        assertThat(c.finishConnect()).as("connected, not refused").isTrue();
      }
    } finally {
      for (SocketChannel c : clients) {
        c.close();
      }
      signal(server, "CONT");
      server.getOutputStream().close();
      server.destroyForcibly();
    }
  }

  /** The port the child server printed. */
  private static int port(Process server) throws IOException {
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("port=")) {
        return Integer.parseInt(line.substring("port=".length()));
      }
    }
    throw new AssertionError("the server process ended without printing its port");
  }

  private static void signal(Process server, String signal) throws Exception {
    int exit =
        // The shell's own kill: no procps needed.
        new ProcessBuilder(
                "/bin/sh", "-c", "kill -" + signal + " \"$1\"", "sh", Long.toString(server.pid()))
            .inheritIO()
            .start()
            .waitFor();
    assertThat(exit).as("kill -%s %d", signal, server.pid()).isZero();
  }

  /** The state letter of each thread of the process ({@code T}: stopped). */
  private static Stream<String> threadStates(Process server) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
      return tasks
          .map(
              t -> {
                try {
                  String stat = Files.readString(t.resolve("stat"));
                  return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList()
          .stream();
    }
  }

  /** How many connections wait in the accept queue of the socket listening on {@code port}. */
  static long acceptQueue(int port) throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    long waiting = 0;
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue ...; st 0A is LISTEN
        if (f.length > 4 && f[1].endsWith(local) && f[3].equals("0A")) {
          waiting += Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
        }
      }
    }
    return waiting;
  }
}
