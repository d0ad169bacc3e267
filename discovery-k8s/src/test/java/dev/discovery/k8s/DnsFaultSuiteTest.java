package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Affinity;
import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.BindServer;
import dev.discovery.testkit.DnsFault;
import dev.discovery.testkit.DnsQuery;
import dev.discovery.testkit.FakeDnsServer;
import dev.discovery.testkit.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each DNS fault at volume, through a real Discovery watch of a {@code k8s+dns://127.0.0.1:<port>/}
 * target on the fixture's fake clock (DNS traffic real, refresh and backoff timers fired by the
 * test): an outage is stepped one resolver timer at a time, so every step is one resolution, its
 * delay is checked against the backoff schedule and its queries against the server's query log.
 * What is asserted for every fault: the last good list is kept throughout (no Changed event,
 * current() the same object), the error names the fault, and the first resolution after the fault
 * clears recovers, within the longest backoff. The figures are printed as a Markdown table.
 */
class DnsFaultSuiteTest {
  private static final Backoff BACKOFF = Backoff.defaults();
  private static final Map<String, String> FIGURES = new ConcurrentHashMap<>();

  private final DnsFixture f = new DnsFixture();

  @BeforeEach
  void cluster() {
    f.webAndApi();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @AfterAll
  static void print() {
    System.out.println(
        "| fault | injected | outages | recoveries | longest from fault cleared to recovered (fake"
            + " time; bound: the longest backoff, 45 s) | lost |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    new java.util.TreeMap<>(FIGURES).values().forEach(System.out::println);
  }

  /** A row of a Markdown table. */
  static String row(Object... cells) {
    StringBuilder b = new StringBuilder("|");
    for (Object c : cells) {
      b.append(' ').append(c).append(" |");
    }
    return b.toString();
  }

  /** The fixture with the default backoff and a short (real-time) query timeout. */
  private void start() {
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofMillis(300)).backoff(BACKOFF),
        DnsFixture.podEnvironment("shop"));
  }

  /** What one outage of a fault did: its failed attempts, their queries, the recovery. */
  private record Outage(int attempts, long queries, Duration recovery) {}

  /** Totals over the outages of one fault, as a row of the figures table. */
  private static final class Tally {
    final String fault;
    int outages;
    int attempts;
    long queries;
    int recoveries;
    Duration maxRecovery = Duration.ZERO;

    Tally(String fault) {
      this.fault = fault;
    }

    void add(Outage o) {
      outages++;
      attempts += o.attempts();
      queries += o.queries();
      if (o.recovery() != null) {
        recoveries++;
        if (o.recovery().compareTo(maxRecovery) > 0) {
          maxRecovery = o.recovery();
        }
      }
    }

    void record(String injected) {
      FIGURES.put(
          fault,
          row(fault, injected, outages, recoveries, maxRecovery.toMillis() + " ms", "nothing"));
    }
  }

  /**
   * Waits until the resolver has set its next timer, then fires it and waits for the resolution it
   * starts to end; returns the delay that was stepped.
   */
  private Duration step() {
    awaitTimer();
    assertThat(f.scheduler.pendingTasks()).as("one timer: the resolver's").isEqualTo(1);
    Duration d = f.scheduler.nextTaskDelay().orElseThrow();
    f.advance(d);
    awaitTimer();
    return d;
  }

  /** Waits for what a resolution did to reach the watch (its listeners run on their own). */
  private static void awaitWatch(java.util.concurrent.Callable<Boolean> condition) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .atMost(DnsFixture.WAIT)
        .until(condition);
  }

  /** Waits until the resolver has set its next timer: no resolution in flight, none due. */
  private void awaitTimer() {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .atMost(DnsFixture.WAIT)
        .until(
            () ->
                f.scheduler
                    .nextTaskDelay()
                    .filter(d -> d.compareTo(Duration.ZERO) > 0)
                    .isPresent());
  }

  /**
   * One outage of {@code attempts} failed resolutions: the fault injected, the watch stepped
   * through the refresh timer and then the backoff, each delay within the schedule's jitter, each
   * failed attempt asking {@code queries} the same number of times, the good list kept; then the
   * fault cleared and the next resolution recovering.
   */
  private Outage outage(
      ServiceWatch w,
      int attempts,
      Runnable inject,
      Runnable clear,
      LongSupplier queries,
      Predicate<ResolutionError> error) {
    awaitTimer();
    EndpointSet good = w.current().orElseThrow();
    long changes = f.changes();
    inject.run();
    long before = queries.getAsLong();
    step(); // the refresh timer: the first failed attempt
    awaitWatch(() -> w.lastError().isPresent());
    long perAttempt = queries.getAsLong() - before;
    assertKept(w, good, error);
    for (int k = 1; k < attempts; k++) {
      long q = queries.getAsLong();
      Duration d = step();
      assertWithinBackoff(d, k);
      assertThat(queries.getAsLong() - q)
          .as(
              "queries of failed attempt %d (the first asked %d); last queries %s",
              k + 1, perAttempt, lastQueries())
          .isEqualTo(perAttempt);
      assertKept(w, good, error);
    }
    long asked = queries.getAsLong() - before;
    Instant cleared = f.scheduler.clock().instant();
    clear.run();
    step();
    Duration recovery = Duration.between(cleared, f.scheduler.clock().instant());
    awaitWatch(() -> w.lastError().isEmpty()); // the first resolution after the fault recovered
    assertThat(recovery).isLessThanOrEqualTo(BACKOFF.longest());
    assertThat(w.current()).containsSame(good);
    assertThat(f.changes()).as("no change published through the outage").isEqualTo(changes);
    return new Outage(attempts, asked, recovery);
  }

  private static void assertKept(
      ServiceWatch w, EndpointSet good, Predicate<ResolutionError> error) {
    assertThat(w.current()).as("the last good list").containsSame(good);
    assertThat(w.lastError()).as("the fault's error").isPresent();
    assertThat(w.lastError().orElseThrow()).matches(error, "the fault's error");
  }

  /** The delay before failed attempt {@code failures + 1}: the schedule's nominal wait +/- 50 %. */
  private static void assertWithinBackoff(Duration d, int failures) {
    long nominal =
        Math.min(
            BACKOFF.max().toMillis(),
            (long) (BACKOFF.initial().toMillis() * Math.pow(BACKOFF.multiplier(), failures - 1)));
    assertThat(d.toMillis())
        .as("backoff after %d failures (nominal %d ms)", failures, nominal)
        .isBetween(
            (long) Math.floor(nominal * (1 - BACKOFF.randomization())),
            (long) Math.ceil(nominal * (1 + BACKOFF.randomization())));
  }

  private List<DnsQuery> lastQueries() {
    List<DnsQuery> all = f.dns.queries();
    return all.subList(Math.max(0, all.size() - 6), all.size());
  }

  private LongSupplier aQueries(String name) {
    return () ->
        f.dns.queries().stream()
            .filter(q -> q.type().equals("A") && q.name().equalsIgnoreCase(name))
            .count();
  }

  private static Predicate<ResolutionError> kindAndText(ResolutionError.Kind kind, String text) {
    return e -> e.kind() == kind && e.message().contains(text) && !e.message().contains("\n");
  }

  private ServiceWatch watchGood(String nameAndPort, int size) {
    ServiceWatch w = f.watch(nameAndPort);
    f.awaitSet(w, s -> s.size() == size);
    return w;
  }

  /** Runs {@code cycles} outages of one fault and records its figures. */
  private Tally run(
      String fault,
      ServiceWatch w,
      int cycles,
      int attempts,
      Runnable inject,
      Runnable clear,
      LongSupplier queries,
      Predicate<ResolutionError> error) {
    Tally t = new Tally(fault);
    for (int i = 0; i < cycles; i++) {
      t.add(outage(w, attempts, inject, clear, queries, error));
    }
    assertThat(t.recoveries).isEqualTo(cycles);
    return t;
  }

  @Test
  void fakeServerKilledAndRestarted_20Times() {
    start();
    ServiceWatch w = watchGood("web.shop:9000", 3);
    Tally t =
        run(
            "FakeDnsServer killed and restarted mid-watch",
            w,
            20,
            6,
            f.dns::stop,
            f.dns::restart,
            f.dns::queryCount,
            kindAndText(ResolutionError.Kind.UNAVAILABLE, "DNS server 127.0.0.1:" + f.dns.port()));
    assertThat(t.queries).as("a stopped server hears nothing").isZero();
    t.record(t.attempts + " failed resolutions");
  }

  @Test
  void bindStoppedAndRestarted_5Times() {
    start();
    try (BindServer bind = BindServer.builder(f.cluster).ttl(Duration.ofSeconds(5)).start()) {
      InetSocketAddress a = bind.address();
      ServiceWatch w =
          f.discovery.watch(
              "k8s+dns://"
                  + IpAddresses.formatHost(a.getAddress())
                  + ":"
                  + a.getPort()
                  + "/web.shop:9000");
      w.subscribe(f.events::add);
      f.awaitSet(w, s -> s.size() == 3);
      run(
              "BIND (named) stopped and restarted mid-watch",
              w,
              5,
              6,
              bind::stop,
              bind::restart,
              () -> 0,
              kindAndText(ResolutionError.Kind.UNAVAILABLE, "DNS server 127.0.0.1:" + a.getPort()))
          .record("25 failed resolutions");
    }
  }

  /**
   * REFUSED for the Service's own name, found through the search list: the walk must stop there,
   * never go on to the search-list names and report the Service gone (a defect fixed before).
   */
  @Test
  void refusedForTheServicesOwnName_100Outages_neverWalksOn() {
    start();
    ServiceWatch w = watchGood("web:9000", 3);
    String own = "web.shop.svc.cluster.local";
    long otherNamesBefore = f.dns.queries().stream().filter(q -> !q.name().equals(own)).count();
    Tally t =
        run(
            "REFUSED storm on the Service's own name",
            w,
            100,
            3,
            () -> f.dns.inject(own, DnsFault.refused()),
            f.dns::clearFaults,
            aQueries(own),
            kindAndText(ResolutionError.Kind.UNAVAILABLE, " refused " + own + "."));
    assertThat(f.dns.queries().stream().filter(q -> !q.name().equals(own)).count())
        .as("no other candidate name asked (search-list names, PTR...)")
        .isEqualTo(otherNamesBefore);
    assertThat(f.events).noneMatch(e -> e instanceof WatchEvent.Changed c && c.current().isEmpty());
    t.record(t.queries + " REFUSED answers");
  }

  /** An answer fault on every query of the Service, what its error says, what an answer is. */
  record AnswerFault(
      String name, DnsFault fault, ResolutionError.Kind kind, String text, int outages) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<AnswerFault> answerFaults() {
    return Stream.of(
        new AnswerFault(
            "SERVFAIL storm",
            DnsFault.servfail(),
            ResolutionError.Kind.UNAVAILABLE,
            "answered SERVFAIL for web.shop.svc.cluster.local.",
            20),
        new AnswerFault(
            "answers 2 s late (query timeout 300 ms)",
            DnsFault.delay(Duration.ofSeconds(2)),
            ResolutionError.Kind.UNAVAILABLE,
            "did not answer web.shop.svc.cluster.local. A within 300 ms",
            10),
        new AnswerFault(
            "malformed answers",
            DnsFault.malformed(),
            ResolutionError.Kind.INVALID_ANSWER,
            "sent a malformed answer to web.shop.svc.cluster.local. A",
            20),
        new AnswerFault(
            "answers with a wrong message id",
            DnsFault.wrongId(),
            ResolutionError.Kind.INVALID_ANSWER,
            "A: invalid message id: expected ",
            20));
  }

  /** Outages of 5 failed resolutions each; each failed resolution asks once. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("answerFaults")
  void answerFault_outages(AnswerFault a) {
    start();
    ServiceWatch w = watchGood("web.shop:9000", 3);
    Tally t =
        run(
            a.name(),
            w,
            a.outages(),
            5,
            () -> f.dns.inject(a.fault()),
            f.dns::clearFaults,
            aQueries("web.shop.svc.cluster.local"),
            kindAndText(a.kind(), a.text()));
    assertThat(t.queries).as("one query per failed attempt").isEqualTo(t.attempts);
    t.record(t.queries + " faulty answers");
  }

  /** TC over UDP is not a fault to report: every answer is taken over TCP, changes included. */
  @Test
  void truncatedUdpAnswers_areTakenOverTcp_200Refreshes() {
    start();
    ServiceWatch w = watchGood("web.shop:9000", 3);
    f.dns.inject(DnsFault.truncate());
    long udp0 = transport(DnsQuery.Transport.UDP);
    long tcp0 = transport(DnsQuery.Transport.TCP);
    int errors = 0;
    for (int i = 0; i < 200; i++) {
      if (i % 50 == 25) {
        f.cluster.scale("shop", "web", 4);
      } else if (i % 50 == 0) {
        f.cluster.scale("shop", "web", 3);
      }
      step();
      int want = i % 50 >= 25 ? 4 : 3;
      awaitWatch(() -> w.current().orElseThrow().size() == want);
      errors += w.lastError().isPresent() ? 1 : 0;
    }
    assertThat(errors).isZero();
    long udp = transport(DnsQuery.Transport.UDP) - udp0;
    long tcp = transport(DnsQuery.Transport.TCP) - tcp0;
    assertThat(tcp).as("each truncated UDP answer asked again over TCP").isEqualTo(udp);
    assertThat(f.changes()).as("8 scalings, each one change, and the first list").isEqualTo(8);
    FIGURES.put(
        "truncated (TC) UDP answers",
        "| truncated (TC) UDP answers | "
            + udp
            + " UDP answers with TC | 0 (each retried over TCP) | n/a | 0 ms | nothing: 7 changes"
            + " during the storm all seen |");
  }

  private long transport(DnsQuery.Transport t) {
    return f.dns.queries().stream().filter(q -> q.transport() == t).count();
  }

  /**
   * A Service of more pods than one TCP answer holds, 100 times (a defect fixed before: it became
   * an empty list): INVALID_ANSWER naming k8s+api, the 4,000-pod list kept.
   */
  @Test
  void answerTruncatedOverTcp_100Times() {
    f.cluster.scale("shop", "web", 4000);
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(5)).backoff(BACKOFF),
        DnsFixture.podEnvironment("shop"));
    ServiceWatch w = watchGood("web.shop:9000", 4000);
    Tally t =
        run(
            "A answer truncated over TCP (4,200 pods)",
            w,
            4,
            25,
            () -> f.cluster.scale("shop", "web", 4200),
            () -> f.cluster.scale("shop", "web", 4000),
            aQueries("web.shop.svc.cluster.local"),
            kindAndText(
                ResolutionError.Kind.INVALID_ANSWER,
                "truncated over TCP: the records do not fit one DNS message"));
    t.record(t.attempts + " truncated TCP answers");
  }

  /**
   * 20,000 addresses cannot come in one DNS message: over TCP (at most 65,535 bytes, about 4,090 A
   * records) the answer is truncated, which is INVALID_ANSWER pointing to k8s+api; the maxEndpoints
   * limit (10,000 by default) is never reached through DNS.
   */
  @Test
  void twentyThousandAddresses_isAClearInvalidAnswer_andTheListIsKept() {
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(30)).backoff(BACKOFF),
        DnsFixture.podEnvironment("shop"));
    ServiceWatch w = watchGood("web.shop:9000", 3);
    EndpointSet good = w.current().orElseThrow();
    f.cluster.scale("shop", "web", 20_000);
    awaitTimer();
    // The server builds the records of 20,000 pods first (seconds); the query waits for them.
    f.advance(f.scheduler.nextTaskDelay().orElseThrow());
    await().atMost(Duration.ofSeconds(60)).until(() -> w.lastError().isPresent());
    ResolutionError error = w.lastError().orElseThrow();
    assertThat(error.kind()).as(error.message()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(error.message())
        .isEqualTo(
            "DNS server 127.0.0.1:"
                + f.dns.port()
                + " answered web.shop.svc.cluster.local. A truncated over TCP: the records do not"
                + " fit one DNS message of 65,535 bytes (expected: a Service small enough for DNS;"
                + " use the Kubernetes API source, k8s+api, for one this large)");
    assertThat(w.current()).containsSame(good);
    DnsQuery tcp =
        f.dns.queries().stream()
            .filter(q -> q.transport() == DnsQuery.Transport.TCP)
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(tcp.truncated()).isTrue();
    assertThat(tcp.answers()).as("what fits one message").isBetween(4000, 4095);
    FIGURES.put(
        "20,000-address answer",
        "| 20,000-address answer | 1 (TC over TCP, "
            + tcp.answers()
            + " of 20,000 records) | 1 | INVALID_ANSWER, list kept | n/a | nothing |");
  }

  @Test
  void cnameLoop_20Outages() {
    f.cluster.apply(Service.externalName("shop", "alias", "api.shop.svc.cluster.local").build());
    start();
    ServiceWatch w = watchGood("alias.shop:80", 1);
    Tally t =
        run(
            "CNAME loop",
            w,
            20,
            4,
            () -> {
              f.cluster.apply(
                  Service.externalName("shop", "alias", "loop.shop.svc.cluster.local").build());
              f.cluster.apply(
                  Service.externalName("shop", "loop", "alias.shop.svc.cluster.local").build());
            },
            () ->
                f.cluster.apply(
                    Service.externalName("shop", "alias", "api.shop.svc.cluster.local").build()),
            aQueries("alias.shop.svc.cluster.local"),
            e ->
                e.message()
                    .equals(
                        "CNAME loop: alias.shop.svc.cluster.local. -> loop.shop.svc.cluster.local."
                            + " -> alias.shop.svc.cluster.local."));
    t.record(t.attempts + " looping answers");
  }

  @Test
  void cnameChain20Deep_20Outages() {
    f.cluster.apply(Service.externalName("shop", "alias", "api.shop.svc.cluster.local").build());
    for (int i = 1; i <= 20; i++) {
      String next = i == 20 ? "api" : "c" + (i + 1);
      f.cluster.apply(
          Service.externalName("shop", "c" + i, next + ".shop.svc.cluster.local").build());
    }
    start();
    ServiceWatch w = watchGood("alias.shop:80", 1);
    Tally t =
        run(
            "CNAME chain 20 deep",
            w,
            20,
            4,
            () ->
                f.cluster.apply(
                    Service.externalName("shop", "alias", "c1.shop.svc.cluster.local").build()),
            () ->
                f.cluster.apply(
                    Service.externalName("shop", "alias", "api.shop.svc.cluster.local").build()),
            aQueries("alias.shop.svc.cluster.local"),
            e ->
                e.kind() == ResolutionError.Kind.INVALID_ANSWER
                    && e.message()
                        .startsWith(
                            "CNAME chain longer than 8 links: alias.shop.svc.cluster.local. ->"
                                + " c1.shop.svc.cluster.local. -> "));
    t.record(t.attempts + " 21-link chains");
  }

  /**
   * NXDOMAIN on every other answer, 100 times: one stray NXDOMAIN never empties a good list (the
   * grace is 2 in a row); each is followed by a refresh after minRefresh, not the TTL.
   */
  @Test
  void nxdomainFlapping_100Times_neverEmptiesTheList() {
    start();
    ServiceWatch w = watchGood("web.shop:9000", 3);
    EndpointSet good = w.current().orElseThrow();
    Service web = f.cluster.service("shop", "web").orElseThrow();
    long changes = f.changes();
    LongSupplier nx =
        () ->
            f.dns.queries().stream()
                .filter(
                    q ->
                        "NXDOMAIN".equals(q.rcode())
                            && q.type().equals("A")
                            && q.name().equals("web.shop.svc.cluster.local"))
                .count();
    long nx0 = nx.getAsLong();
    Duration maxRecovery = Duration.ZERO;
    for (int i = 0; i < 100; i++) {
      f.cluster.deleteService("shop", "web");
      step();
      assertThat(w.current()).as("flap %d: kept after one NXDOMAIN", i).containsSame(good);
      f.cluster.apply(web);
      Duration d = step();
      assertThat(d)
          .as("the re-check after an NXDOMAIN comes after minRefresh")
          .isEqualTo(Duration.ofSeconds(1));
      assertThat(w.current()).containsSame(good);
      maxRecovery = d.compareTo(maxRecovery) > 0 ? d : maxRecovery;
    }
    assertThat(nx.getAsLong() - nx0).isEqualTo(100);
    assertThat(f.changes()).isEqualTo(changes);
    assertThat(f.events).noneMatch(e -> e instanceof WatchEvent.Changed c && c.current().isEmpty());
    FIGURES.put(
        "NXDOMAIN flapping",
        "| NXDOMAIN flapping (every other answer) | 100 NXDOMAIN | 100 | 100 | "
            + maxRecovery.toMillis()
            + " ms | nothing (grace 2 answers in a row) |");
  }

  /**
   * 100 watches of names longer than DNS allows at once (a defect fixed before: the resolver's
   * context swallowed dnsjava's exception and first() never completed): each is MISCONFIGURED.
   */
  @Test
  void namesOverTheDnsLimit_100Watches_eachAClearError() {
    String zone =
        "z".repeat(60) + "." + "y".repeat(60) + "." + "x".repeat(60) + "." + "w".repeat(60);
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofMillis(300)),
        DnsFixture.podEnvironment("shop", "shop.svc." + zone + " svc." + zone + " " + zone));
    List<ServiceWatch> watches = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      watches.add(f.discovery.watch(f.dns.target("web" + i + ":grpc")));
    }
    for (ServiceWatch w : watches) {
      CompletableFuture<EndpointSet> first = w.first().toCompletableFuture();
      awaitWatch(first::isDone);
      assertThat(first).isCompletedExceptionally();
      ResolutionError e = w.lastError().orElseThrow();
      assertThat(e.kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED);
      assertThat(e.message()).contains("(expected: at most 255 bytes").doesNotContain("\n");
    }
    assertThat(f.dns.queryCount()).as("no name too long is sent").isZero();
    FIGURES.put(
        "name over 253 characters",
        "| name over 253 characters | 100 watches at once | 100 | n/a | n/a | nothing: each"
            + " MISCONFIGURED, first() completed |");
  }

  /**
   * Sticky picks with an affinity bound of 1,000 keys from 8 threads, 400,000 keys, while the
   * endpoint list changes (a defect fixed before: concurrent eviction threw from pick).
   */
  @Test
  void stickyAffinityEviction_8Threads_neverThrows() throws Exception {
    start();
    ServiceWatch w = watchGood("web.shop:9000", 3);
    Balancer b = w.balancer(Policies.sticky(new Affinity(Duration.ofSeconds(5), 1000)));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> picks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        picks.add(
            pool.submit(
                () -> {
                  Random random = new Random(thread);
                  int n = 0;
                  for (int i = 0; i < 25_000; i++) {
                    String key =
                        random.nextInt(10) == 0
                            ? "hot-" + random.nextInt(200)
                            : "k-" + thread + "-" + i;
                    Endpoint e = b.pick(key);
                    assertThat(e.port()).isEqualTo(9000);
                    n++;
                  }
                  return n;
                }));
      }
      for (int i = 0; i < 6; i++) {
        f.cluster.scale("shop", "web", 3 + i % 2);
        step();
      }
      int total = 0;
      for (Future<Integer> p : picks) {
        total += p.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(200_000);
    } finally {
      pool.shutdownNow();
    }
    FIGURES.put(
        "concurrent affinity eviction",
        "| concurrent affinity eviction (8 threads, 1,000-key bound) | 200,000 picks, 6 list"
            + " changes | n/a | n/a | n/a | nothing: no pick threw |");
  }

  /**
   * 100 Discoveries closed with first() pending on a server that drops every query (a defect fixed
   * before: the close was dropped, first() never completed and threads stayed).
   */
  @Test
  void closedDiscoveryWithPendingWork_100Times() {
    try (FakeDnsServer dns = FakeDnsServer.start(f.cluster)) {
      dns.inject(DnsFault.drop());
      long threadsBefore = discoveryThreads();
      for (int i = 0; i < 100; i++) {
        Discovery d =
            Discovery.builder()
                .environment(DnsFixture.podEnvironment("shop"))
                .registry(
                    ResolverRegistry.of(
                        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(5)).build()))
                .build();
        ServiceWatch w = d.watch(dns.target("web.shop:grpc"));
        CompletableFuture<EndpointSet> first = w.first().toCompletableFuture();
        await().atMost(DnsFixture.WAIT).until(() -> dns.queryCount() > 0);
        d.close();
        assertThat(first).as("cycle %d", i).isCompletedExceptionally();
        assertThat(first.handle((s, e) -> e.getMessage()).join())
            .contains("its Discovery was closed");
        dns.clearQueries();
      }
      await().atMost(DnsFixture.WAIT).until(() -> discoveryThreads() <= threadsBefore);
    }
    FIGURES.put(
        "closed Discovery with pending work",
        "| Discovery closed with first() pending (server dropping) | 100 closes | n/a | n/a | n/a"
            + " | nothing: each first() failed at once, no thread left |");
  }

  private static long discoveryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.isAlive()
                    && t.getName().startsWith("discovery-")
                    && !t.getName().startsWith("discovery-testkit"))
        .count();
  }
}
