package dev.discovery.bench.pick;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.bench.WatchFixture;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceInstance;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
 * A pick without a key, over the same endpoints: our random picker (and the same through a watch's
 * balancer), the floor (an array indexed by {@link ThreadLocalRandom}), Armeria's round-robin
 * selector and Stork's random load balancer. grpc's round_robin is in {@link GrpcPickBenchmark}.
 * With several threads ({@code -t}) all share one picker, as the threads of a service do.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RandomPickBenchmark {

  @State(Scope.Benchmark)
  public static class Floor {
    Endpoint[] typed;
    Object[] generic;

    @Setup
    public void setUp(EndpointList e) {
      typed = e.list.toArray(new Endpoint[0]);
      generic = e.list.toArray();
    }
  }

  @State(Scope.Benchmark)
  public static class Ours {
    Picker<Endpoint> picker;

    @Setup
    public void setUp(EndpointList e) {
      picker = Policies.random().newPicker(Candidates.ofEndpoints(e.list));
    }
  }

  @State(Scope.Benchmark)
  public static class OursThroughWatch {
    WatchFixture watch;
    Balancer balancer;

    @Setup
    public void setUp(EndpointList e) {
      watch = WatchFixture.of(e.list);
      balancer = watch.balancer(Policies.random());
    }

    @TearDown
    public void tearDown() {
      watch.close();
    }
  }

  @State(Scope.Benchmark)
  public static class ArmeriaRoundRobin {
    EndpointSelector selector;
    ClientRequestContext ctx;

    @Setup
    public void setUp(EndpointList e) {
      selector = Peers.armeriaSelector(EndpointSelectionStrategy.roundRobin(), e.list);
      ctx = Peers.armeriaContext(null);
    }
  }

  @State(Scope.Benchmark)
  public static class StorkRandom {
    Service service;
    List<ServiceInstance> instances;

    @Setup
    public void setUp(EndpointList e) {
      service = Peers.storkRandom("bench-" + e.endpoints, e.list);
      instances = Peers.storkInstances(service);
      if (instances.size() != e.endpoints) {
        throw new IllegalStateException(
            "stork: " + instances.size() + " instances (expected: " + e.endpoints + ")");
      }
    }
  }

  /** The floor: what any random choice of an endpoint costs at least. */
  @Benchmark
  public Endpoint floor(Floor s) {
    Endpoint[] a = s.typed;
    return a[ThreadLocalRandom.current().nextInt(a.length)];
  }

  /**
   * The floor as generic code pays it: from an {@code Object[]}, cast to {@link Endpoint} by the
   * caller. The cast reads the chosen object's header, so it costs a cache miss when the endpoints
   * do not fit in cache, which the typed floor never touches. Explains part of our picker's cost.
   */
  @Benchmark
  public Endpoint floorGeneric(Floor s) {
    Object[] a = s.generic;
    return (Endpoint) a[ThreadLocalRandom.current().nextInt(a.length)];
  }

  @Benchmark
  public Endpoint discoveryRandom(Ours s) {
    return s.picker.pick();
  }

  /** As a user calls it: {@code watch.balancer(Policies.random()).pick()}. */
  @Benchmark
  public Endpoint discoveryRandomBalancer(OursThroughWatch s) {
    return s.balancer.pick();
  }

  @Benchmark
  public com.linecorp.armeria.client.Endpoint armeriaRoundRobin(ArmeriaRoundRobin s) {
    return s.selector.selectNow(s.ctx);
  }

  /** Stork's synchronous selection over the instances its static discovery reported. */
  @Benchmark
  public ServiceInstance storkRandom(StorkRandom s) {
    return s.service.selectInstance(s.instances);
  }
}
