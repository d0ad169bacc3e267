package dev.discovery.bench.resolve;

import dev.discovery.testkit.DnsQuery;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Lookups per second of the {@code k8s+dns} source against the testkit's DNS server, one lookup at
 * a time as a watch runs them (see {@link ResolveFixture}): a ClusterIP Service, a 100-pod and a
 * 1000-pod headless Service, with the port in the target by number ({@code web.bench:8080}: A and
 * AAAA, plus PTR to tell a lone address's kind) or by name ({@code web.bench:http}: A, AAAA and the
 * port's SRV records, which give each pod's port and hostname).
 *
 * <p>Each lookup's DNS queries are counted by transport from the server's own log (auxiliary
 * counters: per second, like the lookups, so queries per lookup is their ratio); an answer too
 * large for UDP comes back truncated and is asked again over TCP, as with CoreDNS. The server runs
 * in the benchmark's JVM on the same 2 cores, so its work is in the figures, and in the bytes per
 * lookup, which JMH's GC profiler counts over all threads: the server's own share is counted apart
 * ({@code serverBytes}, from its threads' allocation counters).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ResolveBenchmark {
  /** The name prefix of FakeDnsServer's threads. */
  static final String SERVER_THREADS = "discovery-testkit-dns";

  @State(Scope.Benchmark)
  public static class Lookup {
    @Param({"clusterip", "headless-100", "headless-1000"})
    public String service;

    @Param({"number", "name"})
    public String port;

    ResolveFixture fixture;

    @Setup
    public void setUp() {
      if (!port.equals("number") && !port.equals("name")) {
        throw new IllegalArgumentException("port: \"" + port + "\" (expected: number or name)");
      }
      fixture = ResolveFixture.start(ResolveFixture.Shape.of(service), port.equals("name"));
    }

    @TearDown
    public void tearDown() {
      fixture.close();
    }
  }

  /**
   * DNS queries by transport, and the bytes the DNS server's threads allocated, reported per second
   * beside the lookups (so per lookup is their ratio to the lookups' score).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Queries {
    public long udpQueries;
    public long tcpQueries;
    public long serverBytes;

    private final ThreadAllocation server = new ThreadAllocation(SERVER_THREADS);

    @Setup(Level.Iteration)
    public void reset() {
      udpQueries = 0;
      tcpQueries = 0;
      serverBytes = 0;
      server.begin();
    }

    /** Runs before JMH reads the counters of the iteration. */
    @TearDown(Level.Iteration)
    public void serverAllocation() {
      serverBytes = server.end();
    }
  }

  /** One resolution of the watched Service: every endpoint, or the benchmark fails. */
  @Benchmark
  public int lookup(Lookup s, Queries q) {
    s.fixture.dns().clearQueries();
    int endpoints = s.fixture.lookup().size();
    for (DnsQuery query : s.fixture.dns().queries()) {
      if (query.transport() == DnsQuery.Transport.TCP) {
        q.tcpQueries++;
      } else {
        q.udpQueries++;
      }
    }
    return endpoints;
  }
}
