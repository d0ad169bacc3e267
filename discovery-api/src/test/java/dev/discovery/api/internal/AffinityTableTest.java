package dev.discovery.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Affinity;
import dev.discovery.testkit.clock.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The affinity table's bounds: memory is capped, the idle longest go first, expired go anyway. */
class AffinityTableTest {
  private final FakeClock clock = FakeClock.create();

  /** Two endpoints; the policy's own choice alternates so a remembered choice is visible. */
  private static final class TwoEndpoints implements AffinityTable.View<InetSocketAddress> {
    final List<InetSocketAddress> ids = new ArrayList<>();
    int generation = 1;
    int choices;

    TwoEndpoints() throws Exception {
      ids.add(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1));
      ids.add(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1));
    }

    @Override
    public int generation() {
      return generation;
    }

    @Override
    public InetSocketAddress find(InetSocketAddress id) {
      return ids.contains(id) ? id : null;
    }

    @Override
    public InetSocketAddress identity(InetSocketAddress item) {
      return item;
    }

    @Override
    public InetSocketAddress choose(CharSequence key) {
      return ids.get(choices++ % ids.size());
    }
  }

  @Test
  void manyKeys_stayWithinTheBound_andTheIdleLongestAreForgottenFirst() throws Exception {
    AffinityTable<InetSocketAddress> table =
        new AffinityTable<>(new Affinity(Duration.ofHours(1), 100), clock);
    TwoEndpoints view = new TwoEndpoints();
    InetSocketAddress hot = table.pick("hot", view);
    for (int i = 0; i < 1000; i++) {
      clock.advance(Duration.ofSeconds(2)); // past the touch granularity, so recency is recorded
      table.pick("key-" + i, view);
      assertThat(table.pick("hot", view)).as("a key in use is never evicted").isEqualTo(hot);
      assertThat(table.size()).isLessThanOrEqualTo(101);
    }
    int before = view.choices;
    table.pick("key-999", view);
    assertThat(view.choices).as("a recent key is remembered").isEqualTo(before);
    table.pick("key-0", view);
    assertThat(view.choices).as("an old idle key was forgotten").isEqualTo(before + 1);
  }

  @Test
  void idleKey_expiresAfterTheTimeout_andIsChosenAfresh() throws Exception {
    AffinityTable<InetSocketAddress> table =
        new AffinityTable<>(new Affinity(Duration.ofMinutes(1), 10), clock);
    TwoEndpoints view = new TwoEndpoints();
    InetSocketAddress first = table.pick("k", view);
    clock.advance(Duration.ofSeconds(59));
    assertThat(table.pick("k", view)).isEqualTo(first);
    clock.advance(Duration.ofSeconds(61));
    assertThat(table.pick("k", view)).as("expired: the policy chooses again").isNotEqualTo(first);
  }

  @Test
  void keyWhoseEndpointLeft_isChosenAfresh() throws Exception {
    AffinityTable<InetSocketAddress> table =
        new AffinityTable<>(new Affinity(Duration.ofMinutes(1), 10), clock);
    TwoEndpoints view = new TwoEndpoints();
    InetSocketAddress first = table.pick("k", view);
    view.ids.remove(first);
    view.generation++;
    assertThat(table.pick("k", view)).isEqualTo(view.ids.get(0));
  }

  /**
   * Four threads pick hot and new keys while the clock runs fast, so that evictions (past the bound
   * of 1,000 keys) overlap with other threads recording recent use of the entries being evicted.
   */
  @Test
  void concurrentPicks_neverThrow_whileEvictionRunsBesideThem() throws Exception {
    AffinityTable<InetSocketAddress> table =
        new AffinityTable<>(new Affinity(Duration.ofSeconds(5), 1000), clock);
    SharedView view = new SharedView();
    int threads = 4;
    int picksPerThread = 200_000;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        Callable<List<String>> picker =
            () -> {
              Random random = new Random(seed);
              List<String> failures = new ArrayList<>();
              start.await();
              for (int i = 0; i < picksPerThread; i++) {
                // Half the picks reuse 2,000 hot keys, half bring one of 300,000 others.
                String key =
                    random.nextBoolean()
                        ? "hot-" + random.nextInt(2000)
                        : "cold-" + random.nextInt(300_000);
                clock.advance(Duration.ofMillis(1));
                try {
                  table.pick(key, view);
                } catch (RuntimeException e) {
                  failures.add(e.toString());
                }
              }
              return failures;
            };
        results.add(pool.submit(picker));
      }
      List<String> failures = new ArrayList<>();
      for (Future<List<String>> result : results) {
        failures.addAll(result.get());
      }
      assertThat(failures).as("exceptions thrown by pick(key)").isEmpty();
      assertThat(table.size()).isLessThanOrEqualTo(1000 + threads);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A view shared by threads: the choice depends on the key alone. */
  private static final class SharedView implements AffinityTable.View<InetSocketAddress> {
    private final InetSocketAddress[] ids = {
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 2)
    };

    @Override
    public int generation() {
      return 1;
    }

    @Override
    public InetSocketAddress find(InetSocketAddress id) {
      return id;
    }

    @Override
    public InetSocketAddress identity(InetSocketAddress item) {
      return item;
    }

    @Override
    public InetSocketAddress choose(CharSequence key) {
      return ids[key.length() & 1];
    }
  }
}
