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

  private static long bytesPerPicks(Runnable picks) {
    picks.run(); // warm-up (class loading, JIT)
    picks.run();
    long before = allocatedBytes();
    picks.run();
    return allocatedBytes() - before;
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
}
