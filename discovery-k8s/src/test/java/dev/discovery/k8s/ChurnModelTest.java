package dev.discovery.k8s;

import static org.awaitility.Awaitility.await;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.DnsFault;
import dev.discovery.testkit.ExpiredStyle;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model-based churn test of both Kubernetes sources at once: one {@link FakeCluster}, served by a
 * {@link FakeDnsServer} and a fake API server, watched through {@code k8s+dns} and {@code k8s+api}
 * (each in its own Discovery, each watch with recording listeners, random and sticky balancers and
 * a picking thread), while a seeded random sequence of mutations ({@link ChurnModel.Mutation}) and
 * faults ({@link Fault}) is applied.
 *
 * <p>Checked all along: no snapshot is empty (the model always keeps a ready pod), an API snapshot
 * always has a ready endpoint, revisions go up by one per listener, a Failed event keeps the last
 * good list, and every pick is an endpoint of a snapshot current during it. At each checkpoint the
 * faults stop, and each watch must converge to the model's truth (bounded waits), its listeners
 * must agree, and its sticky balancers must map keys as a fresh picker over the final set does.
 *
 * <p>By default two seeds of {@value #DEFAULT_STEPS} steps each. {@code -Ddiscovery.churn.seed=N}
 * runs one seed, {@code -Ddiscovery.churn.seeds=1,2,3} several, {@code -Ddiscovery.churn.steps=N}
 * sets the steps (the {@code soak} profile: 10,000). A failure names the seed and step: {@code
 * seed=7 step=312: api: an empty snapshot was published: ...}.
 */
class ChurnModelTest {
  static final int DEFAULT_STEPS = 300;
  private static final String DEFAULT_SEEDS = "1,2";

  /**
   * Generous waits for convergence once faults stop (the machine may be busy): the DNS source
   * promises TTL (0 here) plus its refresh interval (at most 1 s) plus one query timeout and
   * backoff; the API source one reconnect (backoff at most 0.5 s, or a 429's Retry-After of 1 s).
   */
  private static final Duration DNS_WAIT = Duration.ofSeconds(15);

  private static final Duration API_WAIT = Duration.ofSeconds(20);
  private static final int PICKS_PER_STEP = 8;
  private static final long REDROP_NANOS = Duration.ofSeconds(2).toNanos();

  /** The faults injected between mutations. */
  enum Fault {
    DNS_DROP,
    DNS_DELAY,
    DNS_SERVFAIL,
    DNS_REFUSED,
    DNS_TRUNCATE,
    DNS_MALFORMED,
    DNS_WRONG_ID,
    API_DROP,
    API_EXPIRE_IN_STREAM,
    API_EXPIRE_STATUS,
    API_TOO_MANY_REQUESTS,
    API_STALL,
    API_RELEASE,
    API_INTERNAL_ERROR,
    /** 403 to every list and watch of Services until API_ALLOW or the checkpoint. */
    API_FORBID_SERVICES,
    /** 403 to every list and watch of EndpointSlices until API_ALLOW or the checkpoint. */
    API_FORBID_SLICES,
    API_ALLOW
  }

  static LongStream seeds() {
    String one = System.getProperty("discovery.churn.seed");
    String list = one != null ? one : System.getProperty("discovery.churn.seeds", DEFAULT_SEEDS);
    return Arrays.stream(list.split(",")).map(String::trim).mapToLong(Long::parseLong);
  }

  private static int steps() {
    return Integer.getInteger("discovery.churn.steps", DEFAULT_STEPS);
  }

  @ParameterizedTest(name = "seed={0}")
  @MethodSource("seeds")
  void churn_withFaults_neverLosesTheLastReadyEndpoint_andConverges(long seed) throws Exception {
    try (Run run = new Run(seed, steps())) {
      run.execute();
    }
  }

  /** One seeded run: the cluster, both sources, the sequence and its counts. */
  private static final class Run implements AutoCloseable {
    private final long seed;
    private final int steps;
    private final Random random;
    private final FakeCluster cluster = FakeCluster.create();
    private final ChurnModel model;
    private final FakeDnsServer dns;
    private final Discovery dnsDiscovery;
    private final ApiFixture api;
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final Map<ChurnModel.Mutation, Integer> mutations =
        new EnumMap<>(ChurnModel.Mutation.class);
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<Long> dnsConvergence = new ArrayList<>();
    private final List<Long> apiConvergence = new ArrayList<>();
    private ChurnWatch dnsWatch;
    private ChurnWatch apiWatch;
    private volatile int step;
    private String lastAction = "start";

    /** The last actions, newest last, for failure messages. */
    private final ArrayDeque<String> recent = new ArrayDeque<>();

    private boolean apiDisturbed;
    private boolean stalled;

    Run(long seed, int steps) {
      this.seed = seed;
      this.steps = steps;
      this.random = new Random(seed);
      this.model = new ChurnModel(cluster, new Random(seed * 31 + 1));
      model.start(3);
      this.dns = FakeDnsServer.builder(cluster).ttl(Duration.ZERO).start();
      this.dnsDiscovery =
          Discovery.builder()
              .environment(DnsFixture.podEnvironment(ChurnModel.NAMESPACE))
              .registry(
                  ResolverRegistry.of(
                      DnsResolverProvider.builder()
                          .minRefresh(Duration.ofMillis(100))
                          .maxRefresh(Duration.ofSeconds(1))
                          .queryTimeout(Duration.ofSeconds(1))
                          .backoff(ApiFixture.FAST)
                          .random(new Random(seed))
                          .build()))
              .build();
      this.api = new ApiFixture(cluster);
      api.start(api.provider().idleTimeout(Duration.ofSeconds(3)).random(new Random(seed)).build());
    }

    private void violation(String what) {
      violations.add(what);
    }

    private String where() {
      return "seed=" + seed + " step=" + step + " (" + lastAction + ")";
    }

    private void did(String action) {
      lastAction = action;
      recent.addLast(step + ": " + action);
      if (recent.size() > 30) {
        recent.removeFirst();
      }
    }

    void execute() throws Exception {
      String target = ChurnModel.SERVICE + "." + ChurnModel.NAMESPACE + ":" + ChurnModel.PORT;
      dnsWatch =
          new ChurnWatch(
              "dns", dnsDiscovery.watch(dns.target(target)), seed, false, this::violation);
      apiWatch =
          new ChurnWatch("api", api.watch("k8s+api:///" + target), seed, true, this::violation);
      checkpoint();
      int nextCheckpoint = nextCheckpoint(0);
      for (step = 1; step <= steps; step++) {
        if (step == steps / 3) {
          dnsWatch.subscribeLate();
          apiWatch.subscribeLate();
        }
        if (random.nextInt(4) == 0) {
          fault();
        }
        mutate();
        dnsWatch.pick(PICKS_PER_STEP);
        apiWatch.pick(PICKS_PER_STEP);
        if (!apiDisturbed) {
          // The API source follows each state: let it see this one before the next.
          awaitApiTruth(API_WAIT);
        }
        dnsWatch.checkPicks(false);
        apiWatch.checkPicks(false);
        failOnViolations();
        if (step == nextCheckpoint || step == steps) {
          checkpoint();
          nextCheckpoint = nextCheckpoint(step);
        }
      }
      dnsWatch.checkPicks(true);
      apiWatch.checkPicks(true);
      failOnViolations();
      System.out.println(summary());
    }

    private int nextCheckpoint(int now) {
      return now + 10 + random.nextInt(21);
    }

    private void mutate() {
      // A few weighted draws, then every kind in turn (SERVICE_PORT always applies).
      List<ChurnModel.Mutation> kinds = new ArrayList<>();
      for (int attempt = 0; attempt < 5; attempt++) {
        kinds.add(ChurnModel.Mutation.draw(random));
      }
      kinds.addAll(List.of(ChurnModel.Mutation.values()));
      for (ChurnModel.Mutation kind : kinds) {
        Optional<String> done = model.apply(kind);
        if (done.isPresent()) {
          mutations.merge(kind, 1, Integer::sum);
          did(done.get());
          return;
        }
      }
      throw new AssertionError(where() + ": no mutation applies to " + model);
    }

    private void fault() {
      Fault[] kinds = Fault.values();
      Fault kind = kinds[random.nextInt(kinds.length)];
      int times = 1 + random.nextInt(3);
      switch (kind) {
        case DNS_DROP -> dns.inject(DnsFault.drop().times(times));
        case DNS_DELAY ->
            dns.inject(DnsFault.delay(Duration.ofMillis(50 + random.nextInt(1500))).times(times));
        case DNS_SERVFAIL -> dns.inject(DnsFault.servfail().times(times));
        case DNS_REFUSED -> dns.inject(DnsFault.refused().times(times));
        case DNS_TRUNCATE -> dns.inject(DnsFault.truncate().times(times));
        case DNS_MALFORMED -> dns.inject(DnsFault.malformed().times(times));
        case DNS_WRONG_ID -> dns.inject(DnsFault.wrongId().times(times));
        case API_DROP -> api.api.faults().dropWatches();
        case API_EXPIRE_IN_STREAM ->
            api.api.faults().expiredAs(ExpiredStyle.IN_STREAM).expireOpenWatches();
        case API_EXPIRE_STATUS ->
            api.api.faults().expiredAs(ExpiredStyle.HTTP_STATUS).expireHistory().dropWatches();
        case API_TOO_MANY_REQUESTS ->
            api.api.faults().tooManyRequests(times, Duration.ofSeconds(1)).dropWatches();
        case API_STALL -> {
          api.api.faults().stallWatches();
          stalled = true;
        }
        case API_RELEASE -> {
          if (!stalled) {
            return;
          }
          api.api.faults().releaseWatches();
          stalled = false;
        }
        case API_INTERNAL_ERROR -> api.api.faults().internalErrors(times).dropWatches();
        case API_FORBID_SERVICES, API_FORBID_SLICES -> {
          if (apiWatch.isRefused()) {
            return;
          }
          String resource = kind == Fault.API_FORBID_SERVICES ? "services" : "endpointslices";
          apiWatch.refused(resource);
          api.api.faults().forbid("list", resource).forbid("watch", resource).dropWatches();
          // The refusal is heard (the dropped watch comes back to a 403) before the churn goes on.
          awaitRefusal();
        }
        case API_ALLOW -> {
          if (!apiWatch.isRefused()) {
            return;
          }
          apiWatch.refused(null);
          api.api.faults().reset();
          stalled = false;
          // The refusal is over for the source before another may begin (its 403 looks the same).
          awaitOrFail(
              API_WAIT,
              () ->
                  apiWatch
                      .watch
                      .lastError()
                      .filter(e -> e.kind() == ResolutionError.Kind.PERMISSION_DENIED)
                      .isEmpty(),
              () -> "api: still refused " + API_WAIT + " after the refusal was lifted");
        }
      }
      faults.merge(kind, 1, Integer::sum);
      apiDisturbed |= kind.name().startsWith("API_");
      did("fault " + kind + " x" + times);
    }

    /**
     * Stops the faults, waits for both watches to reflect the model (and clear their errors), and
     * checks the listeners, the picks and the sticky balancers.
     */
    private void checkpoint() {
      String drift = model.checkAgainstCluster();
      if (drift != null) {
        throw new AssertionError(where() + ": " + drift);
      }
      did("checkpoint");
      dns.clearFaults();
      apiWatch.refused(null);
      api.api.faults().reset();
      stalled = false;
      apiDisturbed = false;
      long start = System.nanoTime();
      awaitConverged(
          dnsWatch,
          DNS_WAIT,
          () -> {
            Optional<EndpointSet> set = dnsWatch.watch.current();
            return set.isPresent()
                && ChurnModel.addresses(set.get().endpoints()).equals(model.dnsTruth());
          },
          "its truth " + model.dnsTruth());
      dnsConvergence.add((System.nanoTime() - start) / 1_000_000);
      start = System.nanoTime();
      awaitApiTruth(API_WAIT);
      apiConvergence.add((System.nanoTime() - start) / 1_000_000);
      awaitOrFail(
          Duration.ofSeconds(10),
          () -> dnsWatch.picksDone() && apiWatch.picksDone(),
          () -> "the picking threads did not finish their picks within 10 s");
      for (ChurnWatch w : List.of(dnsWatch, apiWatch)) {
        w.checkListenersAgree();
        w.checkSticky();
        w.checkPicks(false);
      }
      failOnViolations();
    }

    /**
     * Waits until the source reports the refusal. A watch request authorized just before the
     * refusal began may open its stream after the drop that followed it (an API server does not end
     * open watches when RBAC changes either): such a stream is dropped again until the source has
     * had to ask anew, at most every 2 s.
     */
    private void awaitRefusal() {
      long[] lastDrop = {System.nanoTime()};
      awaitOrFail(
          API_WAIT,
          () -> {
            if (apiWatch.watch.lastError().filter(apiWatch::isRefusal).isPresent()) {
              return true;
            }
            if (System.nanoTime() - lastDrop[0] > REDROP_NANOS) {
              api.api.faults().dropWatches();
              lastDrop[0] = System.nanoTime();
            }
            return false;
          },
          () ->
              "api: no 403 reported within "
                  + API_WAIT
                  + " (expected: the refusal as lastError()): last error "
                  + apiWatch.watch.lastError().orElse(null));
    }

    private void awaitApiTruth(Duration wait) {
      awaitConverged(
          apiWatch,
          wait,
          () -> {
            Optional<EndpointSet> set = apiWatch.watch.current();
            return set.isPresent()
                && set.get().kind() == model.apiKind()
                && ApiFixture.plain(set.get()).equals(model.apiTruth());
          },
          "its truth " + model.apiKind() + " " + model.apiTruth());
    }

    /** Waits until {@code converged} holds and the watch has no error. */
    private void awaitConverged(
        ChurnWatch w, Duration wait, BooleanSupplier converged, String truth) {
      awaitOrFail(
          wait,
          () -> converged.getAsBoolean() && w.watch.lastError().isEmpty(),
          () ->
              w.name
                  + " did not converge within "
                  + wait
                  + " (expected: "
                  + truth
                  + "): current "
                  + w.watch.current().map(s -> s.summary() + " " + s.endpoints()).orElse("none")
                  + ", last error "
                  + w.watch.lastError().orElse(null)
                  + "; model: "
                  + model);
    }

    /** Waits until {@code condition} holds, or fails naming the seed, the step and {@code why}. */
    private void awaitOrFail(Duration wait, Callable<Boolean> condition, Supplier<String> why) {
      try {
        await().atMost(wait).until(condition);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(where() + ": " + why.get());
      }
    }

    private void failOnViolations() {
      if (!violations.isEmpty()) {
        throw new AssertionError(
            where()
                + ": "
                + String.join("; ", violations.stream().limit(5).toList())
                + "; the last actions: "
                + String.join(", ", recent));
      }
    }

    private String summary() {
      return "churn seed="
          + seed
          + " steps="
          + steps
          + " mutations="
          + mutations
          + " faults="
          + faults
          + " events dns(changed,failed,recovered)="
          + Arrays.toString(dnsWatch.events())
          + " api="
          + Arrays.toString(apiWatch.events())
          + " picksChecked dns="
          + dnsWatch.picksChecked()
          + " api="
          + apiWatch.picksChecked()
          + " checkpoints="
          + dnsConvergence.size()
          + " convergence ms dns(max,mean)="
          + stats(dnsConvergence)
          + " api="
          + stats(apiConvergence)
          + " revisions dns="
          + dnsWatch.watch.current().map(EndpointSet::revision).orElse(0L)
          + " api="
          + apiWatch.watch.current().map(EndpointSet::revision).orElse(0L)
          + " violations=0";
    }

    private static String stats(List<Long> millis) {
      long max = millis.stream().mapToLong(Long::longValue).max().orElse(0);
      long mean = Math.round(millis.stream().mapToLong(Long::longValue).average().orElse(0));
      return "(" + max + "," + mean + ")";
    }

    @Override
    public void close() throws Exception {
      for (ChurnWatch w : new ChurnWatch[] {dnsWatch, apiWatch}) {
        if (w != null) {
          w.close();
        }
      }
      dnsDiscovery.close();
      dns.close();
      api.close();
    }
  }
}
