package dev.discovery.testkit;

import dev.discovery.testkit.internal.BindZoneSync;
import dev.discovery.testkit.internal.ClusterDnsData;
import dev.discovery.testkit.internal.NamedProcess;
import dev.discovery.testkit.internal.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final FakeCluster cluster;
  private final Path directory;
  private final Object lock = new Object();
  private final NamedProcess named; // guarded by lock
  private final BindZoneSync zones; // guarded by lock
  private boolean closed; // guarded by lock

  private BindServer(Builder b, Path named, Path directory) {
    this.cluster = b.cluster;
    this.directory = directory;
    this.named =
        new NamedProcess(
            named, directory, ClusterDnsData.zoneNames(cluster.zone()), b.startTimeout);
    this.zones = new BindZoneSync(b.ttl.getSeconds(), LOOPBACK);
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
      return named.port();
    }
  }

  /** The directory holding named.conf, the zone files and the journal. */
  public Path directory() {
    return directory;
  }

  /** Whether {@code named} is running. */
  public boolean isRunning() {
    synchronized (lock) {
      return named.isRunning();
    }
  }

  /** What {@code named} wrote to its log (stderr), last lines. */
  public String log() {
    return named.log();
  }

  /**
   * Brings BIND's zones to the cluster's current state with RFC 2136 dynamic updates (dnsjava's
   * {@link Update}) that carry only the difference from what it serves. Visible at once.
   *
   * @throws IllegalStateException if BIND is not running or refuses the update
   */
  public void sync() {
    synchronized (lock) {
      if (!named.isRunning()) {
        throw new IllegalStateException(
            "BindServer: not running (expected: sync() while named runs; restart() it)");
      }
      zones.sync(cluster.snapshot(), named.address(), named::logTail);
    }
  }

  /** Stops {@code named} (SIGTERM), keeping its directory and port for {@link #restart()}. */
  public void stop() {
    synchronized (lock) {
      named.stop();
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
      named.restart();
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
      named.stop();
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
      zones.writeZoneFiles(cluster.snapshot(), directory);
      named.startOnFreePort();
    }
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
