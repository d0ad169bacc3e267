package dev.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pick through the Java API allocates nothing: measured with the JVM's per-thread allocation
 * counter over 200,000 picks, after warm-up.
 */
class PickAllocationTest {
  private static final int PICKS = 200_000;

  private static final java.lang.reflect.Method ALLOCATED;
  private static final Object THREADS;

  static {
    // Reflection: the test is compiled inside module dev.discovery.api, which does not read
    // java.management; at run time tests are on the class path.
    try {
      Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
      THREADS = factory.getMethod("getThreadMXBean").invoke(null);
      ALLOCATED =
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static long allocatedBytes() {
    try {
      return (long) ALLOCATED.invoke(THREADS);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The fewest bytes of three measured runs, after warm-up: a deoptimisation (a call site turned
   * megamorphic by another test's pickers) may allocate once in one run, while an allocation per
   * pick shows in every run.
   */
  private static long bytesPerPicks(Runnable picks) {
    picks.run(); // warm-up (class loading, JIT)
    picks.run();
    long least = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long before = allocatedBytes();
      picks.run();
      least = Math.min(least, allocatedBytes() - before);
    }
    return least;
  }

  private static Balancer balancer(Discovery d, ScriptedProvider p, Policy policy) {
    ServiceWatch w = d.watch("fake:///web.shop");
    Balancer b = w.balancer(policy);
    if (p.resolvers.get(0).listener != null && w.current().isEmpty()) {
      p.resolvers.get(0).publish(Endpoints.random(new Random(1), 100).toArray(new Endpoint[0]));
    }
    return b;
  }

  @Test
  void randomAndStickyPicks_allocateNothing() {
    FakeScheduler scheduler = FakeScheduler.create();
    ScriptedProvider p = new ScriptedProvider("fake");
    try (Discovery d = ScriptedProvider.discovery(scheduler, ResolverRegistry.of(p))) {
      Balancer random = balancer(d, p, Policies.random());
      Balancer sticky = balancer(d, p, Policies.sticky());
      Balancer affine = balancer(d, p, Policies.sticky(Affinity.clientIp()));
      String[] keys = new String[1000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "session-" + i;
      }
      for (String k : keys) {
        affine.pick(k); // the first sight of a key may allocate its entry
      }
      long[] sink = new long[1];

      long randomBytes =
          bytesPerPicks(
              () -> {
                for (int i = 0; i < PICKS; i++) {
                  sink[0] += random.pick().port();
                }
              });
      long stickyBytes =
          bytesPerPicks(
              () -> {
                for (int i = 0; i < PICKS; i++) {
                  sink[0] += sticky.pick(keys[i % keys.length]).port();
                }
              });
      long affineBytes =
          bytesPerPicks(
              () -> {
                for (int i = 0; i < PICKS; i++) {
                  sink[0] += affine.pick(keys[i % keys.length]).port();
                }
              });
      System.out.printf(
          "bytes allocated by %d picks: random %d, sticky %d, sticky+affinity %d%n",
          PICKS, randomBytes, stickyBytes, affineBytes);
      // A few hundred bytes of slack for the measurement itself; one allocation per pick would be
      // millions.
      assertThat(List.of(randomBytes, stickyBytes, affineBytes)).allMatch(b -> b < 1024);
      assertThat(sink[0]).isPositive();
    }
  }

  @Test
  void trafficAwarePicks_allocateNothing() {
    FakeScheduler scheduler = FakeScheduler.create();
    ScriptedProvider p = new ScriptedProvider("fake");
    try (Discovery d = ScriptedProvider.discovery(scheduler, ResolverRegistry.of(p))) {
      SlowStart hour = SlowStart.of(java.time.Duration.ofHours(1));
      Policy[] policies = {
        Policies.leastRequest(),
        Policies.withOutlierEjection(Policies.random(), OutlierEjection.defaults()),
        Policies.withSlowStart(Policies.random(), hour),
        Policies.withZoneAware(Policies.random(), ZoneAware.inZone("a")),
        Policies.withSlowStart(
            Policies.withOutlierEjection(
                Policies.withZoneAware(Policies.leastRequest(), ZoneAware.inZone("a")),
                OutlierEjection.defaults()),
            hour),
        Policies.withOutlierEjection(
            Policies.withZoneAware(Policies.sticky(), ZoneAware.inZone("a")),
            OutlierEjection.defaults()),
      };
      List<Balancer> balancers = new java.util.ArrayList<>();
      for (Policy policy : policies) {
        balancers.add(balancer(d, p, policy));
      }
      // A second snapshot with one endpoint more: it warms up for an hour under slow start, so
      // picks take the weighted path.
      List<Endpoint> more = new java.util.ArrayList<>(Endpoints.random(new Random(1), 100));
      more.add(Endpoints.ready("10.200.0.1", 8080));
      p.resolvers.get(0).publish(more.toArray(new Endpoint[0]));
      String[] keys = new String[1000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "session-" + i;
      }
      long[] sink = new long[1];
      StringBuilder report = new StringBuilder("bytes allocated by " + PICKS + " picks:");
      for (int b = 0; b < balancers.size(); b++) {
        Balancer balancer = balancers.get(b);
        long bytes =
            bytesPerPicks(
                () -> {
                  for (int i = 0; i < PICKS; i++) {
                    sink[0] +=
                        balancer.policy().keyed()
                            ? balancer.pick(keys[i % keys.length]).port()
                            : balancer.pick().port();
                  }
                });
        report.append(' ').append(policies[b]).append(": ").append(bytes).append(';');
        assertThat(bytes).as(policies[b].toString()).isLessThan(1024);
      }
      System.out.println(report);
      assertThat(sink[0]).isPositive();
    }
  }
}
