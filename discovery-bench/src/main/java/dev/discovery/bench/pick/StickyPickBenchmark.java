package dev.discovery.bench.pick;

import com.google.common.hash.Hashing;
import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.api.internal.StickyHash;
import dev.discovery.bench.Key;
import dev.discovery.bench.WatchFixture;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * Key#KEYS_PER_SET} keys in turn ({@link KeyCursor}). Stork has no per-key balancer and is not
 * here; our sticky policy through gRPC is in {@link GrpcStickyPickBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StickyPickBenchmark {

  @State(Scope.Benchmark)
  public static class Ours {
    Picker<Endpoint> picker;

    @Setup
    public void setUp(EndpointList e) {
      picker = Policies.sticky().newPicker(Candidates.ofEndpoints(e.list));
    }
  }

  @State(Scope.Benchmark)
  public static class OursThroughWatch {
    WatchFixture watch;
    Balancer balancer;

    @Setup
    public void setUp(EndpointList e) {
      watch = WatchFixture.of(e.list);
      balancer = watch.balancer(Policies.sticky());
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
    public void setUp(EndpointList e, KeySet k) {
      selector = Peers.armeriaSelector(Peers.armeriaSticky(), e.list);
      contexts = new ClientRequestContext[k.keys.length];
      for (int i = 0; i < contexts.length; i++) {
        contexts[i] = Peers.armeriaContext(k.keys[i]);
      }
    }
  }

  @Benchmark
  public Endpoint discoverySticky(Ours s, KeySet k, KeyCursor c) {
    return s.picker.pick(k.keys[c.advance()]);
  }

  /** Our key hash alone, without the lookup: the share of a sticky pick spent hashing. */
  @Benchmark
  public long keyHashOnly(KeySet k, KeyCursor c) {
    return StickyHash.hashKey(k.keys[c.advance()]);
  }

  /** The same with {@link String} keys, the common case in services. */
  @Benchmark
  public Endpoint discoveryStickyStringKey(Ours s, KeySet k, KeyCursor c) {
    return s.picker.pick(k.strings[c.advance()]);
  }

  /** As a user calls it: {@code watch.balancer(Policies.sticky()).pick(key)}. */
  @Benchmark
  public Endpoint discoveryStickyBalancer(OursThroughWatch s, KeySet k, KeyCursor c) {
    return s.balancer.pick(k.keys[c.advance()]);
  }

  @Benchmark
  public com.linecorp.armeria.client.Endpoint armeriaSticky(ArmeriaSticky s, KeyCursor c) {
    return s.selector.selectNow(s.contexts[c.advance()]);
  }

  /**
   * Guava's consistent hash of the same 64-bit key hash as ours, indexing the endpoints as a list
   * (as its users, and Armeria, do).
   */
  @Benchmark
  public Endpoint guavaConsistentHash(EndpointList e, KeySet k, KeyCursor c) {
    List<Endpoint> list = e.list;
    return list.get(Hashing.consistentHash(StickyHash.hashKey(k.keys[c.advance()]), list.size()));
  }

  /** Guava as its users write it: murmur3 of the key's characters, then the consistent hash. */
  @Benchmark
  public Endpoint guavaMurmur3ConsistentHash(EndpointList e, KeySet k, KeyCursor c) {
    List<Endpoint> list = e.list;
    return list.get(
        Hashing.consistentHash(
            Hashing.murmur3_128().hashUnencodedChars(k.keys[c.advance()]), list.size()));
  }
}
