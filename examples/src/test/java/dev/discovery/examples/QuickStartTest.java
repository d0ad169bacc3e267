package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README's quick start, run against the shop cluster's DNS server on loopback. */
class QuickStartTest {
  @Test
  void quickStart_resolvesTheService_andPicksAtRandomAndByKey() throws Exception {
    try (Shop shop = Shop.start()) {
      String target = shop.dns.target("web.shop:grpc");

      List<String> first = printed(() -> QuickStart.callWeb(target, "session-42"));
      List<String> again = printed(() -> QuickStart.callWeb(target, "session-42"));

      assertThat(first.get(0)).isEqualTo("HEADLESS source=dns revision=1 endpoints=3 ready=3");
      assertThat(first.get(1))
          .isIn("call 127.0.1.1:50051", "call 127.0.1.2:50051", "call 127.0.1.3:50051");
      assertThat(first.get(2)).startsWith("session session-42 on 127.0.1.");
      assertThat(again.get(2))
          .as("another Discovery, as in another process: the same pod")
          .isEqualTo(first.get(2));
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  /** What {@code run} printed on System.out, line by line. */
  private static List<String> printed(Run run) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
