package dev.discovery.testkit.internal;

import dev.discovery.api.internal.DiscoveryThreads;
import dev.discovery.testkit.ZoneFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * BIND's {@code named -g} as a child process: authoritative only, on one port of 127.0.0.1, for
 * primary zones whose master files are in a directory (where it also keeps named.conf, the journal
 * and its pid file), each zone open to dynamic updates from 127.0.0.1. Its log (stderr) is kept,
 * last lines first to go. Not thread-safe but for {@link #log()}: its owner's lock guards it.
 */
public final class NamedProcess {
  private static final Logger log = LoggerFactory.getLogger(NamedProcess.class);
  private static final int LOG_LINES = 400;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final Path named;
  private final Path directory;
  private final List<String> zones;
  private final Duration startTimeout;
  private final Deque<String> logLines = new ArrayDeque<>(); // guarded by itself
  private int port;
  private Process process;
  private Thread logReader;
  private CountDownLatch ready;

  /**
   * @param named the executable
   * @param directory where named.conf goes and the zone files {@code <zone>.zone} are
   * @param zones the zones' origins, without the trailing dot
   * @param startTimeout how long {@code named} may take to say it runs
   */
  public NamedProcess(Path named, Path directory, List<String> zones, Duration startTimeout) {
    this.named = named;
    this.directory = directory;
    this.zones = List.copyOf(zones);
    this.startTimeout = startTimeout;
  }

  /** The port, 0 before {@link #startOnFreePort()}. */
  public int port() {
    return port;
  }

  /** The UDP and TCP address, on 127.0.0.1. */
  public InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, port);
  }

  /** Whether {@code named} runs. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** What {@code named} wrote to its log since it last started, last lines. */
  public String log() {
    synchronized (logLines) {
      return String.join("\n", logLines);
    }
  }

  /** The last 25 lines of the log, for messages. */
  public String logTail() {
    synchronized (logLines) {
      List<String> lines = new ArrayList<>(logLines);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }
  }

  /**
   * Writes named.conf for a free port and starts {@code named} on it; tries other ports while the
   * chosen one turns out taken.
   *
   * @throws IllegalStateException if {@code named} does not start and serve every zone
   */
  public void startOnFreePort() {
    String problem = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freePort();
      writeConfig();
      launch();
      problem = awaitReady();
      if (problem == null) {
        return;
      }
      stop();
      if (!problem.contains("address in use")) {
        break;
      }
    }
    throw new IllegalStateException(
        "named: " + problem + " (expected: it to start and serve); log:\n" + logTail());
  }

  /**
   * Starts {@code named} again on the same port; does nothing while it runs.
   *
   * @throws IllegalStateException if it does not come up
   */
  public void restart() {
    if (isRunning()) {
      return;
    }
    launch();
    String problem = awaitReady();
    if (problem != null) {
      stop();
      throw new IllegalStateException(
          "named on port " + port + ": " + problem + " (expected: it to serve); log:\n" + log());
    }
  }

  /** Stops {@code named} (SIGTERM, then SIGKILL after 10 s). Idempotent. */
  public void stop() {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      if (logReader != null) {
        logReader.join(5000);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void writeConfig() {
    StringBuilder conf = new StringBuilder();
    String dir = directory.toString();
    conf.append("options {\n")
        .append("  directory \"")
        .append(dir)
        .append("\";\n")
        .append("  pid-file \"")
        .append(dir)
        .append("/named.pid\";\n")
        .append("  session-keyfile \"")
        .append(dir)
        .append("/session.key\";\n")
        .append("  managed-keys-directory \"")
        .append(dir)
        .append("\";\n")
        .append("  listen-on port ")
        .append(port)
        .append(" { 127.0.0.1; };\n")
        .append("  listen-on-v6 { none; };\n")
        .append("  recursion no;\n")
        .append("  dnssec-validation no;\n")
        .append("  empty-zones-enable no;\n")
        .append("  notify no;\n")
        .append("  allow-transfer { none; };\n")
        // BIND 9.18.28+ refuses more than 100 records of a type at a name by default; a large
        // headless Service has one A record per pod.
        .append("  max-records-per-type 0;\n")
        .append("  max-types-per-name 0;\n")
        .append("};\n")
        .append("controls { };\n");
    for (String zone : zones) {
      conf.append("zone \"")
          .append(zone)
          .append("\" { type primary; file \"")
          .append(new ZoneFile(zone, "").fileName())
          .append("\"; allow-update { 127.0.0.1; }; };\n");
    }
    try {
      Files.writeString(directory.resolve("named.conf"), conf.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("named.conf could not be written in " + directory, e);
    }
  }

  private void launch() {
    synchronized (logLines) {
      logLines.clear();
    }
    ready = new CountDownLatch(1);
    ProcessBuilder pb =
        new ProcessBuilder(named.toString(), "-g", "-c", directory.resolve("named.conf").toString())
            .directory(directory.toFile())
            .redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "named: " + named + " could not be started: " + e.getMessage() + " (expected: BIND 9)",
          e);
    }
    process = p;
    CountDownLatch latch = ready;
    logReader =
        DiscoveryThreads.factory("discovery-testkit-named-log-" + port)
            .newThread(() -> readLog(p, latch));
    logReader.start();
  }

  private void readLog(Process p, CountDownLatch latch) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (logLines) {
          if (logLines.size() == LOG_LINES) {
            logLines.removeFirst();
          }
          logLines.addLast(line);
        }
        if (line.endsWith(" running") || line.contains("exiting")) {
          latch.countDown();
        }
      }
    } catch (IOException e) {
      log.debug("named log ended: {}", e.toString());
    } finally {
      latch.countDown();
    }
  }

  /** Waits for "running" (or exit); then checks every zone answers. Null when ready. */
  private String awaitReady() {
    try {
      if (!ready.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return "not running after " + startTimeout.toMillis() + " ms";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while starting";
    }
    if (!process.isAlive()) {
      return "exited with status " + process.exitValue();
    }
    String text = log();
    if (text.contains("address in use")) {
      return "port " + port + ": address in use";
    }
    for (String zone : zones) {
      Name origin = ClusterDnsData.name(zone);
      try {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(Duration.ofSeconds(5));
        Message m = resolver.send(Message.newQuery(Record.newRecord(origin, Type.SOA, DClass.IN)));
        if (m.getRcode() != Rcode.NOERROR || !m.getHeader().getFlag(Flags.AA)) {
          return "zone " + origin + " answers " + Rcode.string(m.getRcode()) + " (not loaded?)";
        }
      } catch (IOException e) {
        return "no answer for zone " + origin + ": " + e;
      }
    }
    return null;
  }

  private static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
          ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(LOOPBACK, udp.getLocalPort()));
        return udp.getLocalPort();
      } catch (IOException e) {
        log.debug("port taken, trying another: {}", e.toString());
      }
    }
    throw new IllegalStateException(
        "BIND port: none free on 127.0.0.1 after 50 attempts (expected: a free UDP and TCP port)");
  }
}
