package dev.discovery.bench.pick;

import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import java.util.Map;
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
 * A pick with a key through gRPC's public load-balancing API: discovery-grpc's {@code sticky}
 * policy, taken from grpc's registry with the configuration a service config gives it ({@code
 * {"sticky":{"header":"x-session-id"}}}) and driven by {@link GrpcPolicyDriver} like {@code
 * round_robin} in {@link GrpcPickBenchmark}. Each call carries its key as the value of that header
 * in its {@link Metadata} (one Metadata per key, made in setup), as a client sets it per call.
 *
 * <p>What grpc's API makes every keyed policy pay: the picker can only read the key with {@link
 * Metadata#get}, which decodes the header's bytes into a new {@link String} on every call (so bytes
 * per pick are not 0 here: about 56 for a 16-character key, 80 for 36). {@link #headerDecodeOnly}
 * measures that decode alone. grpc-java's only per-key policy is grpc-xds's {@code ring_hash} (its
 * request-hash header of gRFC A76), which is not on this class path; Armeria, Guava and {@code
 * round_robin} do not take a key through gRPC. So the sensible comparison is our own sticky picker
 * called directly with {@link String} keys ({@code StickyPickBenchmark.discoveryStickyStringKey})
 * plus the decode: what going through gRPC adds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrpcStickyPickBenchmark {
  /** The header the policy takes its key from. */
  public static final String HEADER = "x-session-id";

  static final Metadata.Key<String> HEADER_KEY =
      Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

  /** The pick arguments of one call per key, each with the key in its headers. */
  @State(Scope.Benchmark)
  public static class Calls {
    LoadBalancer.PickSubchannelArgs[] args;

    @Setup
    public void setUp(KeySet k) {
      args = new LoadBalancer.PickSubchannelArgs[k.strings.length];
      for (int i = 0; i < args.length; i++) {
        args[i] = GrpcPolicyDriver.args(headers(k.strings[i]));
      }
    }
  }

  @State(Scope.Benchmark)
  public static class Sticky {
    GrpcPolicyDriver driver;
    LoadBalancer.SubchannelPicker picker;

    @Setup
    public void setUp(EndpointList e) {
      driver = GrpcPolicyDriver.start("sticky", e.list, Map.of("header", HEADER));
      picker = driver.picker();
    }

    @TearDown
    public void tearDown() {
      driver.close();
    }
  }

  /** Headers carrying {@code key} as {@value #HEADER}. */
  public static Metadata headers(String key) {
    Metadata m = new Metadata();
    m.put(HEADER_KEY, key);
    return m;
  }

  @Benchmark
  public LoadBalancer.Subchannel sticky(Sticky s, Calls calls, KeyCursor c) {
    return s.picker.pickSubchannel(calls.args[c.advance()]).getSubchannel();
  }

  /** What the picker must do before hashing: read the key from the headers (grpc decodes it). */
  @Benchmark
  public String headerDecodeOnly(Calls calls, KeyCursor c) {
    return calls.args[c.advance()].getHeaders().get(HEADER_KEY);
  }
}
