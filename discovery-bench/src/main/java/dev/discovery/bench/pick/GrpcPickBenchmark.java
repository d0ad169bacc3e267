package dev.discovery.bench.pick;

import dev.discovery.api.Endpoint;
import dev.discovery.bench.Fixtures;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import java.util.List;
import java.util.Map;
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
 * A pick without a key through gRPC's public load-balancing API: the policy named {@link #policy}
 * is taken from grpc's registry and driven by {@link GrpcPolicyDriver} (one READY subchannel per
 * endpoint); the picker it publishes is measured. {@code round_robin} is grpc's own; {@code random}
 * is discovery-grpc's load balancer (registered through {@link java.util.ServiceLoader}), so both
 * sides are set up and called the same way. With several threads all share one picker, as the calls
 * of one channel do. Our {@code sticky} policy is in {@link GrpcStickyPickBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class GrpcPickBenchmark {

  @Param({"round_robin", "random"})
  public String policy;

  @Param({"3", "100", "10000"})
  public int endpoints;

  private GrpcPolicyDriver driver;
  private LoadBalancer.SubchannelPicker picker;
  private LoadBalancer.PickSubchannelArgs args;

  @Setup
  public void setUp() {
    List<Endpoint> list = Fixtures.endpoints(endpoints);
    driver = GrpcPolicyDriver.start(policy, list, Map.of());
    picker = driver.picker();
    args = GrpcPolicyDriver.args(new Metadata());
  }

  @TearDown
  public void tearDown() {
    driver.close();
  }

  @Benchmark
  public LoadBalancer.Subchannel pick() {
    return picker.pickSubchannel(args).getSubchannel();
  }
}
