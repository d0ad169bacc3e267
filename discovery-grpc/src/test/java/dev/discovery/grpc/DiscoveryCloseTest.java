package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.Target;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.DnsFault;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Discovery#close()} with a resolution in flight, against the testkit's DNS server that
 * answers nothing: the {@code k8s+dns} source (discovery-k8s) on the SDK's own threads, as an
 * application runs it. It lives here because this module's tests have both the testkit and
 * discovery-k8s.
 */
class DiscoveryCloseTest {
  /** Cycles of create, watch, close. */
  private static final int CYCLES = 1_000;

  /**
   * Threads and descriptors the JVM may add on its own while the test runs (a JIT compiler thread,
   * a jar opened to load a class first used after the baseline), not ours to count.
   */
  private static final int THREAD_SLACK = 2;

  private static final int FD_SLACK = 3;

  private final FakeCluster cluster = FakeCluster.create();
  private final FakeDnsServer dns = FakeDnsServer.builder(cluster).start();

  @AfterEach
  void stopDns() {
    dns.close();
  }

  @Test
  void close_withFirstPending_failsIt_closesTheResolver_andLeavesNoThreadOrDescriptor() {
    String target = dns.target("web.shop:grpc");
    ResolverProvider dnsSource =
        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(3)).build();
    // A first cycle, answered (NXDOMAIN), loads the classes and starts dnsjava's selector thread
    // (it keeps it and its descriptors for the JVM's life) before the baseline is taken.
    Discovery warmUp = discovery(dnsSource);
    CompletableFuture<EndpointSet> answered = warmUp.watch(target).first().toCompletableFuture();
    await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(answered::isDone);
    warmUp.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInSameThread()
        .until(() -> Calls.discoveryThreads().isEmpty());
    int threadsBefore = threads();
    long fdsBefore = openDescriptors();

    dns.inject(DnsFault.drop());
    String closedMessage = "watch of " + target + " ended: its Discovery was closed";
    List<CompletableFuture<EndpointSet>> firsts = new ArrayList<>();
    int doneAtReturn = 0;
    int failedAsClosed = 0;
    int resolversOpenAtReturn = 0;
    List<CountingProvider> resolvers = new ArrayList<>();
    Throwable leftovers = null;
    Stderr stderr = Stderr.capture();
    try {
      for (int i = 0; i < CYCLES; i++) {
        // Every other cycle closes once a query is out; the others close at once, racing the
        // resolver's start on the discovery's threads.
        long queries = dns.queryCount();
        CountingProvider counting = new CountingProvider(dnsSource);
        resolvers.add(counting);
        Discovery discovery = discovery(counting);
        CompletableFuture<EndpointSet> first =
            discovery.watch(target).first().toCompletableFuture();
        if (i % 2 == 0) {
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInSameThread()
              .pollInterval(Duration.ofMillis(1))
              .until(() -> dns.queryCount() > queries);
        }
        discovery.close();
        resolversOpenAtReturn += counting.open();
        firsts.add(first);
        doneAtReturn += first.isDone() ? 1 : 0;
        if (first.isCompletedExceptionally()
            && first.handle((v, e) -> e.getMessage()).join().equals(closedMessage)) {
          failedAsClosed++;
        }
      }
      // Queries unanswered when their discovery closed time out in dnsjava, which then closes
      // their sockets; any late completion must be dropped without a word.
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInSameThread()
            .untilAsserted(
                () -> {
                  assertThat(Calls.discoveryThreads()).as("discovery-* threads").isEmpty();
                  assertThat(threads())
                      .as("threads")
                      .isLessThanOrEqualTo(threadsBefore + THREAD_SLACK);
                  assertThat(openDescriptors())
                      .as("open file descriptors")
                      .isLessThanOrEqualTo(fdsBefore + FD_SLACK);
                });
      } catch (AssertionError | RuntimeException e) {
        leftovers = e;
      }
    } finally {
      stderr.stop();
    }

    System.out.printf(
        "[figures] %d create/watch/close cycles, every query dropped: when close() returned,"
            + " first() was done in %d and failed saying the Discovery was closed in %d; first()"
            + " never completed (at the end) %d; resolvers created %d, left open by close() %d,"
            + " open at the end %d; threads %d -> %d, open descriptors %d -> %d (slack %d, %d);"
            + " DNS queries %d; RejectedExecutionException on stderr %d%n",
        CYCLES,
        doneAtReturn,
        failedAsClosed,
        firsts.stream().filter(f -> !f.isDone()).count(),
        resolvers.stream().mapToInt(c -> c.created.get()).sum(),
        resolversOpenAtReturn,
        resolvers.stream().mapToInt(CountingProvider::open).sum(),
        threadsBefore,
        threads(),
        fdsBefore,
        openDescriptors(),
        THREAD_SLACK,
        FD_SLACK,
        dns.queryCount(),
        stderr.text().lines().filter(l -> l.contains("RejectedExecutionException")).count());
    assertThat(failedAsClosed)
        .as("first() failed, saying the Discovery was closed, when close() returned")
        .isEqualTo(CYCLES);
    assertThat(resolversOpenAtReturn).as("resolvers still open when close() returned").isZero();
    if (leftovers != null) {
      throw new AssertionError("left behind after close(): " + leftovers.getMessage(), leftovers);
    }
    assertThat(stderr.text()).doesNotContain("RejectedExecutionException").doesNotContain("WARN");
  }

  private static Discovery discovery(ResolverProvider provider) {
    return Discovery.builder()
        .environment(Environment.empty())
        .registry(ResolverRegistry.of(provider))
        .build();
  }

  private static int threads() {
    return Thread.getAllStackTraces().size();
  }

  private static long openDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Wraps a provider's resolvers to count how many were created and closed (one per cycle). */
  private static final class CountingProvider implements ResolverProvider {
    private final ResolverProvider delegate;
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    CountingProvider(ResolverProvider delegate) {
      this.delegate = delegate;
    }

    /** Resolvers created and not closed yet. */
    int open() {
      return created.get() - closed.get();
    }

    @Override
    public String scheme() {
      return delegate.scheme();
    }

    @Override
    public Target parse(String target) {
      return delegate.parse(target);
    }

    @Override
    public Resolver newResolver(Target target, ResolverContext context) {
      Resolver resolver = delegate.newResolver(target, context);
      created.incrementAndGet();
      return new Resolver() {
        @Override
        public void start(Listener listener) {
          resolver.start(listener);
        }

        @Override
        public void refresh() {
          resolver.refresh();
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          resolver.close();
        }
      };
    }
  }

  /** What the SDK writes to System.err (slf4j-simple's output) while captured, still shown. */
  private static final class Stderr extends OutputStream {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    static Stderr capture() {
      Stderr s = new Stderr();
      System.setErr(new PrintStream(s, true, StandardCharsets.UTF_8));
      return s;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      copy.write(b, off, len);
    }

    synchronized String text() {
      return copy.toString(StandardCharsets.UTF_8);
    }

    void stop() {
      System.setErr(original);
    }
  }
}
