package dev.discovery.bench.pick;

import com.google.common.hash.Hashing;
import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import dev.discovery.api.Balancer;
import dev.discovery.api.Balancers;
import dev.discovery.api.Candidates;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Picker;
import dev.discovery.api.internal.StickyHash;
import dev.discovery.bench.Fixtures;
import dev.discovery.bench.Key;
import dev.discovery.bench.WatchFixture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A pick for a key, over the same endpoints and the same keys: our sticky picker (and the same
 * through a watch's balancer), Armeria's sticky selector and Guava's consistent hash. Every pick
 * hashes its key from the characters (see {@link Key}); the peers get the same 64-bit character
 * hash as ours, so ratios compare the selection, not the hash function. Guava as its users would
 * write it (murmur3 of the characters) is reported beside. Each thread walks the {@link
 * Key#KEYS_PER_SET} keys in turn. Stork has no per-key balancer and is not here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StickyPickBenchmark {
  private static final int MASK = Key.KEYS_PER_SET - 1;

  @State(Scope.Benchmark)
  public static class Inputs {
    @Param({"3", "100", "10000"})
    public int endpoints;

    @Param({"16", "36"})
    public int keyLength;

    List<Endpoint> list;
    Key[] keys;

    @Setup
    public void setUp() {
      list = Fixtures.endpoints(endpoints);
      keys = Key.set(keyLength, 7919L * keyLength);
    }
  }

  /** Each thread's position in the keys. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      return next++ & MASK;
    }
  }

  @State(Scope.Benchmark)
  public static class Ours {
    Picker<Endpoint> picker;

    @Setup
    public void setUp(Inputs in) {
      picker = Balancers.sticky().newPicker(Candidates.ofEndpoints(in.list));
    }
  }

  /** The keys as {@link String}s: our hash reads their characters, never {@code hashCode()}. */
  @State(Scope.Benchmark)
  public static class StringKeys {
    String[] keys;

    @Setup
    public void setUp(Inputs in) {
      keys = new String[in.keys.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = in.keys[i].toString();
      }
    }
  }

  @State(Scope.Benchmark)
  public static class OursThroughWatch {
    WatchFixture watch;
    Balancer balancer;

    @Setup
    public void setUp(Inputs in) {
      watch = WatchFixture.of(in.list);
      balancer = watch.balancer(Balancers.sticky());
    }

    @TearDown
    public void tearDown() {
      watch.close();
    }
  }

  @State(Scope.Benchmark)
  public static class ArmeriaSticky {
    EndpointSelector selector;
    ClientRequestContext[] contexts;

    @Setup
    public void setUp(Inputs in) {
      selector = Peers.armeriaSelector(Peers.armeriaSticky(), in.list);
      contexts = new ClientRequestContext[in.keys.length];
      for (int i = 0; i < contexts.length; i++) {
        contexts[i] = Peers.armeriaContext(in.keys[i]);
      }
    }
  }

  /** Guava's buckets: the endpoints as a list, indexed as its users (and Armeria) do. */
  @State(Scope.Benchmark)
  public static class GuavaBuckets {
    List<Endpoint> endpoints;

    @Setup
    public void setUp(Inputs in) {
      endpoints = in.list;
    }
  }

  @Benchmark
  public Endpoint discoverySticky(Ours s, Inputs in, Cursor c) {
    return s.picker.pick(in.keys[c.advance()]);
  }

  /** Our key hash alone, without the lookup: the share of a sticky pick spent hashing. */
  @Benchmark
  public long keyHashOnly(Inputs in, Cursor c) {
    return StickyHash.hashKey(in.keys[c.advance()]);
  }

  /** The same with {@link String} keys, the common case in services. */
  @Benchmark
  public Endpoint discoveryStickyStringKey(Ours s, StringKeys k, Cursor c) {
    return s.picker.pick(k.keys[c.advance()]);
  }

  /** As a user calls it: {@code watch.balancer(Balancers.sticky()).pick(key)}. */
  @Benchmark
  public Endpoint discoveryStickyBalancer(OursThroughWatch s, Inputs in, Cursor c) {
    return s.balancer.pick(in.keys[c.advance()]);
  }

  @Benchmark
  public com.linecorp.armeria.client.Endpoint armeriaSticky(ArmeriaSticky s, Cursor c) {
    return s.selector.selectNow(s.contexts[c.advance()]);
  }

  /** Guava's consistent hash of the same 64-bit key hash as ours. */
  @Benchmark
  public Endpoint guavaConsistentHash(GuavaBuckets s, Inputs in, Cursor c) {
    List<Endpoint> e = s.endpoints;
    return e.get(Hashing.consistentHash(StickyHash.hashKey(in.keys[c.advance()]), e.size()));
  }

  /** Guava as its users write it: murmur3 of the key's characters, then the consistent hash. */
  @Benchmark
  @SuppressWarnings("UnstableApiUsage")
  public Endpoint guavaMurmur3ConsistentHash(GuavaBuckets s, Inputs in, Cursor c) {
    List<Endpoint> e = s.endpoints;
    return e.get(
        Hashing.consistentHash(
            Hashing.murmur3_128().hashUnencodedChars(in.keys[c.advance()]), e.size()));
  }
}
