package dev.discovery.testkit;

import dev.discovery.api.internal.DiscoveryThreads;
import dev.discovery.testkit.internal.ClusterDnsData;
import dev.discovery.testkit.internal.Validation;
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
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.xbill.DNS.Update;

/**
 * Debian's BIND 9 {@code named} as a throwaway authoritative server on a free loopback port,
 * serving the {@link ZoneFile zone files} of a {@link FakeCluster} (the same records as {@link
 * FakeDnsServer}), for tests that want a second, independent DNS implementation.
 *
 * <pre>{@code
 * try (BindServer bind = BindServer.start(cluster)) {
 *   InetSocketAddress server = bind.address();  // 127.0.0.1:<port>, UDP and TCP
 *   cluster.scale("shop", "web", 5);
 *   bind.sync();                                // RFC 2136 updates: only the difference
 *   bind.stop();
 *   bind.restart();                             // same port, same data (BIND's journal)
 * }
 * }</pre>
 *
 * <p>Each server runs {@code named -g} in a fresh temporary directory (named.conf, zone files,
 * journal, pid file), which {@link #close()} deletes. BIND is authoritative only: it answers an
 * ExternalName with its CNAME alone and does not chase a target outside the zone (a cluster's
 * CoreDNS would forward it upstream). {@code named} is looked for in the system property {@code
 * discovery.testkit.named}, then {@code /usr/sbin}, {@code /usr/bin}, {@code /usr/local/sbin} and
 * the {@code PATH}; when missing, {@link #start} fails and says to install Debian's {@code bind9}.
 * Thread-safe.
 *
 * @since 0.1
 */
public final class BindServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BindServer.class);

  /** The system property that names the {@code named} executable. */
  public static final String NAMED_PROPERTY = "discovery.testkit.named";

  private static final int LOG_LINES = 400;
  private static final int UPDATE_BATCH = 500;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final FakeCluster cluster;
  private final long ttl;
  private final Path named;
  private final Path directory;
  private final Duration startTimeout;
  private final Object lock = new Object();
  private final Deque<String> logLines = new ArrayDeque<>(); // guarded by itself
  private int port; // guarded by lock
  private Process process; // guarded by lock
  private Thread logReader; // guarded by lock
  private Map<Name, Set<Record>> published; // guarded by lock
  private boolean closed; // guarded by lock

  private BindServer(Builder b, Path named, Path directory) {
    this.cluster = b.cluster;
    this.ttl = b.ttl.getSeconds();
    this.named = named;
    this.directory = directory;
    this.startTimeout = b.startTimeout;
  }

  /** Starts {@code named} serving {@code cluster} as it is now (TTL 5 s). */
  public static BindServer start(FakeCluster cluster) {
    return builder(cluster).start();
  }

  /** A builder for a server of {@code cluster}. */
  public static Builder builder(FakeCluster cluster) {
    return new Builder(cluster);
  }

  /** Where {@code named} is, if installed. */
  public static Optional<Path> findNamed() {
    String property = System.getProperty(NAMED_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path p = Path.of(property);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
      candidates.add(Path.of(dir, "named"));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "named"));
        }
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** The UDP and TCP address, on 127.0.0.1. */
  public InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, port());
  }

  /** The port, kept across {@link #stop()} and {@link #restart()}. */
  public int port() {
    synchronized (lock) {
      return port;
    }
  }

  /** The directory holding named.conf, the zone files and the journal. */
  public Path directory() {
    return directory;
  }

  /** Whether {@code named} is running. */
  public boolean isRunning() {
    synchronized (lock) {
      return process != null && process.isAlive();
    }
  }

  /** What {@code named} wrote to its log (stderr), last lines. */
  public String log() {
    synchronized (logLines) {
      return String.join("\n", logLines);
    }
  }

  private String logTail() {
    synchronized (logLines) {
      List<String> lines = new ArrayList<>(logLines);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }
  }

  /**
   * Brings BIND's zones to the cluster's current state with RFC 2136 dynamic updates (dnsjava's
   * {@link Update}) that carry only the difference from what it serves. Visible at once.
   *
   * @throws IllegalStateException if BIND is not running or refuses the update
   */
  public void sync() {
    synchronized (lock) {
      checkRunning("sync()");
      Map<Name, Set<Record>> target = records(cluster.snapshot());
      for (Map.Entry<Name, Set<Record>> zone : target.entrySet()) {
        Set<Record> before = published.getOrDefault(zone.getKey(), Set.of());
        List<Record> removed = new ArrayList<>();
        for (Record r : before) {
          if (!zone.getValue().contains(r)) {
            removed.add(r);
          }
        }
        List<Record> added = new ArrayList<>();
        for (Record r : zone.getValue()) {
          if (!before.contains(r)) {
            added.add(r);
          }
        }
        sendUpdates(zone.getKey(), removed, added);
      }
      published = target;
    }
  }

  private void sendUpdates(Name zone, List<Record> removed, List<Record> added) {
    // Deletions first: a name may turn from A records into a CNAME within one sync.
    List<Record[]> operations = new ArrayList<>();
    removed.forEach(r -> operations.add(new Record[] {r, null}));
    added.forEach(r -> operations.add(new Record[] {null, r}));
    for (int from = 0; from < operations.size(); from += UPDATE_BATCH) {
      Update update = new Update(zone);
      for (Record[] op :
          operations.subList(from, Math.min(operations.size(), from + UPDATE_BATCH))) {
        if (op[0] != null) {
          update.delete(op[0]);
        } else {
          update.add(op[1]);
        }
      }
      Message response;
      try {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(10));
        response = resolver.send(update);
      } catch (IOException e) {
        throw new IllegalStateException(
            "BIND update of "
                + zone
                + " failed: "
                + e
                + " (expected: an answer); log:\n"
                + logTail(),
            e);
      }
      if (response.getRcode() != Rcode.NOERROR) {
        throw new IllegalStateException(
            "BIND update of "
                + zone
                + ": "
                + Rcode.string(response.getRcode())
                + " (expected: NOERROR); log:\n"
                + logTail());
      }
    }
  }

  /** Stops {@code named} (SIGTERM), keeping its directory and port for {@link #restart()}. */
  public void stop() {
    synchronized (lock) {
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
  }

  /**
   * Starts {@code named} again on the same port with the same data (zone files and journal); does
   * nothing while it runs.
   *
   * @throws IllegalStateException if closed, or {@code named} does not come up
   */
  public void restart() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("BindServer: closed (expected: restart() before close())");
      }
      if (process == null || !process.isAlive()) {
        launch();
        String problem = awaitReady();
        if (problem != null) {
          stop();
          throw new IllegalStateException(
              "named on port "
                  + port
                  + ": "
                  + problem
                  + " (expected: it to serve); log:\n"
                  + log());
        }
      }
    }
  }

  /** Stops {@code named} and deletes its directory. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stop();
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        log.warn("Could not delete {}: {}", directory, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "BindServer[" + address() + (isRunning() ? "" : " stopped") + ", " + directory + "]";
  }

  private void firstStart() {
    synchronized (lock) {
      ClusterSnapshot snapshot = cluster.snapshot();
      for (ZoneFile zone : ZoneFile.of(snapshot, Duration.ofSeconds(ttl), LOOPBACK)) {
        zone.writeTo(directory);
      }
      published = records(snapshot);
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
  }

  private Map<Name, Set<Record>> records(ClusterSnapshot snapshot) {
    ClusterDnsData data = ClusterDnsData.of(snapshot, ttl, LOOPBACK);
    Map<Name, Set<Record>> out = new LinkedHashMap<>();
    for (Name origin : data.origins()) {
      Set<Record> set = new LinkedHashSet<>();
      for (Record r : data.zoneRecords(origin)) {
        if (r.getType() != Type.SOA) {
          set.add(r);
        }
      }
      out.put(origin, set);
    }
    return out;
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
    for (String zone : ClusterDnsData.zoneNames(cluster.zone())) {
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

  private CountDownLatch ready;

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
    for (String zone : ClusterDnsData.zoneNames(cluster.zone())) {
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

  private void checkRunning(String what) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(
          "BindServer: not running (expected: " + what + " while named runs; restart() it)");
    }
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

  /** Builds and starts a {@link BindServer}. */
  public static final class Builder {
    private final FakeCluster cluster;
    private Duration ttl = FakeDnsServer.DEFAULT_TTL;
    private Path named;
    private Duration startTimeout = Duration.ofSeconds(20);

    private Builder(FakeCluster cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** The TTL of every record (default 5 s, like {@link FakeDnsServer}). */
    public Builder ttl(Duration ttl) {
      Validation.ttlSeconds(ttl);
      this.ttl = ttl;
      return this;
    }

    /** The {@code named} executable (default: found by {@link #findNamed()}). */
    public Builder named(Path named) {
      this.named = Objects.requireNonNull(named, "named");
      return this;
    }

    /** How long {@code named} may take to start (default 20 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts {@code named} in a fresh temporary directory on a free loopback port.
     *
     * @throws IllegalStateException if {@code named} is missing (the message says how to install
     *     it) or does not come up
     */
    public BindServer start() {
      Path executable = named != null ? named : findNamed().orElse(null);
      if (executable == null || !Files.isExecutable(executable)) {
        throw new IllegalStateException(
            "named: "
                + (executable == null
                    ? "not found (looked at -D"
                        + NAMED_PROPERTY
                        + ", /usr/sbin, /usr/bin, /usr/local/sbin and PATH)"
                    : executable + " is not executable")
                + " (expected: BIND 9 installed: apt-get install -y --no-install-recommends bind9"
                + " bind9-dnsutils; README's ./run-tests installs it)");
      }
      Path directory;
      try {
        directory = Files.createTempDirectory("discovery-testkit-bind-");
      } catch (IOException e) {
        throw new UncheckedIOException("a temporary directory for named could not be made", e);
      }
      BindServer server = new BindServer(this, executable, directory);
      try {
        server.firstStart();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    }
  }
}
