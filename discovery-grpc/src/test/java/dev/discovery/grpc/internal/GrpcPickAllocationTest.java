package dev.discovery.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Policies;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.Metadata;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * What a gRPC pick allocates, measured with the JVM's per-thread allocation counter over 200,000
 * picks after warm-up. A pick that lands on a READY subchannel returns a preallocated result; the
 * only allocation grpc's public API forces is the key: {@code Metadata.get} decodes the header
 * value into a new String on every call.
 */
class GrpcPickAllocationTest {
  private static final int PICKS = 200_000;
  private static final int ENDPOINTS = 100;

  private static final java.lang.reflect.Method ALLOCATED;
  private static final Object THREADS;

  static {
    // Reflection: the test is compiled inside module dev.discovery.grpc, which does not read
    // java.management; at run time tests are on the class path.
    try {
      THREADS =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      ALLOCATED =
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static long allocated() {
    try {
      return (long) ALLOCATED.invoke(THREADS);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Bytes per pick of {@code picker} over {@code args(i)}, after two warm-up rounds. */
  private static double bytesPerPick(
      SubchannelPicker picker, IntFunction<PickSubchannelArgs> args) {
    long[] sink = new long[1];
    Runnable picks =
        () -> {
          for (int i = 0; i < PICKS; i++) {
            sink[0] += System.identityHashCode(picker.pickSubchannel(args.apply(i)));
          }
        };
    picks.run();
    picks.run();
    long before = allocated();
    picks.run();
    long bytes = allocated() - before;
    assertThat(sink[0]).isNotZero();
    return (double) bytes / PICKS;
  }

  private static SubchannelPicker readyPicker(PolicyConfig config) {
    FakeHelper helper = new FakeHelper();
    DiscoveryLoadBalancer lb = new DiscoveryLoadBalancer(helper, config);
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS; i++) {
      addresses.add(FakeHelper.address("10.1." + (i / 250) + "." + (i % 250 + 1), 8080)); // data
    }
    List<EquivalentAddressGroup> groups =
        FakeHelper.groups(addresses.toArray(new InetSocketAddress[0]));
    helper.inContext(
        () ->
            lb.acceptResolvedAddresses(
                ResolvedAddresses.newBuilder()
                    .setAddresses(groups)
                    .setLoadBalancingPolicyConfig(config)
                    .build()));
    for (InetSocketAddress a : addresses) {
      helper.subchannel(a).report(ConnectivityState.READY);
    }
    return helper.picker;
  }

  @Test
  void pick_allocatesNothing_butTheKeyGrpcDecodes() {
    PolicyConfig sticky = PolicyConfig.parse(Policies.sticky(), Map.of("header", "x-session-id"));
    PolicyConfig affine =
        PolicyConfig.parse(
            Policies.sticky(), Map.of("header", "x-session-id", "affinityTimeout", "10800s"));
    Metadata.Key<String> header = sticky.header();
    PickSubchannelArgs[] keyed = new PickSubchannelArgs[1000];
    for (int i = 0; i < keyed.length; i++) {
      Metadata m = new Metadata();
      m.put(header, "session-" + i);
      keyed[i] = FakeHelper.Args.of(m);
    }
    PickSubchannelArgs none = FakeHelper.Args.of(new Metadata());

    double random =
        bytesPerPick(readyPicker(PolicyConfig.unconfigured(Policies.random())), i -> none);
    double stickyKeyless = bytesPerPick(readyPicker(sticky), i -> none);
    double stickyKeyed = bytesPerPick(readyPicker(sticky), i -> keyed[i % keyed.length]);
    double affineKeyed = bytesPerPick(readyPicker(affine), i -> keyed[i % keyed.length]);

    System.out.printf(
        "bytes per gRPC pick (%d READY endpoints, %d picks): random %.3f, sticky without key"
            + " %.3f, sticky with key %.3f, sticky+affinity with key %.3f%n",
        ENDPOINTS, PICKS, random, stickyKeyless, stickyKeyed, affineKeyed);
    // Under 1 KiB over 200,000 picks: no allocation per pick.
    assertThat(random * PICKS).isLessThan(1024);
    assertThat(stickyKeyless * PICKS).isLessThan(1024);
    // The header value grpc decodes ("session-123": a 24-byte String and its 32-byte array).
    assertThat(stickyKeyed).isBetween(40.0, 64.0);
    assertThat(affineKeyed).isBetween(40.0, 64.0);
  }
}
