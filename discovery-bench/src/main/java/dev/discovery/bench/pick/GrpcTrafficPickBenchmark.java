package dev.discovery.bench.pick;

import dev.discovery.api.Endpoint;
import dev.discovery.bench.Fixtures;
import dev.discovery.grpc.DiscoveryGrpc;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Metadata;
import io.grpc.Status;
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
 * Traffic-aware policies through gRPC's public load-balancing API, driven like {@link
 * GrpcPickBenchmark}: {@code random}, {@code least_request}, {@code random} with {@code
 * outlierEjection}, and {@code least_request} with zone awareness, outlier ejection and slow start
 * (the composition), each from grpc's registry with the JSON a service config gives it.
 *
 * <ul>
 *   <li>{@link #pick}: the picker alone. A pick returns a preallocated result, with or without the
 *       policy's call tracing.
 *   <li>{@link #call}: what a call costs the balancer: the pick, and for a policy that wants call
 *       feedback, the stream tracer grpc asks the pick's factory for, its {@code streamCreated}
 *       (the policy's {@code onStart}) and {@code streamClosed(OK)} (its {@code onEnd}). A policy
 *       without feedback (plain {@code random}) has no tracer: its call is its pick.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class GrpcTrafficPickBenchmark {
  /** The policies measured, by the name the results use. */
  static final Map<String, Map.Entry<String, Map<String, ?>>> POLICIES =
      Map.of(
          "random",
          Map.entry("random", Map.of()),
          "least_request",
          Map.entry("least_request", Map.of()),
          "random+outlierEjection",
          Map.entry("random", Map.of("outlierEjection", Map.of())),
          "least_request+zoneAware+outlierEjection+slowStart",
          Map.entry(
              "least_request",
              Map.of(
                  "zoneAware", Map.of("zone", "zone-a"),
                  "outlierEjection", Map.of(),
                  "slowStart", Map.of("window", "30s"))));

  @Param({
    "random",
    "least_request",
    "random+outlierEjection",
    "least_request+zoneAware+outlierEjection+slowStart"
  })
  public String policy;

  @Param({"100"})
  public int endpoints;

  private GrpcPolicyDriver driver;
  private LoadBalancer.SubchannelPicker picker;
  private LoadBalancer.PickSubchannelArgs args;
  private final Metadata headers = new Metadata();
  private final ClientStreamTracer.StreamInfo info =
      ClientStreamTracer.StreamInfo.newBuilder().build();

  @Setup
  public void setUp() {
    // As a channel's first name resolver lookup does: every discovery policy a grpc policy.
    DiscoveryGrpc.registerPolicies(LoadBalancerRegistry.getDefaultRegistry());
    List<Endpoint> list = Fixtures.endpoints(endpoints);
    Map.Entry<String, Map<String, ?>> p = POLICIES.get(policy);
    driver = GrpcPolicyDriver.start(p.getKey(), list, p.getValue());
    picker = driver.picker();
    args = GrpcPolicyDriver.args(headers);
  }

  @TearDown
  public void tearDown() {
    driver.close();
  }

  @Benchmark
  public LoadBalancer.Subchannel pick() {
    return picker.pickSubchannel(args).getSubchannel();
  }

  @Benchmark
  public LoadBalancer.Subchannel call() {
    LoadBalancer.PickResult result = picker.pickSubchannel(args);
    ClientStreamTracer.Factory factory = result.getStreamTracerFactory();
    if (factory != null) {
      ClientStreamTracer tracer = factory.newClientStreamTracer(info, headers);
      tracer.streamCreated(Attributes.EMPTY, headers);
      tracer.streamClosed(Status.OK);
    }
    return result.getSubchannel();
  }
}
