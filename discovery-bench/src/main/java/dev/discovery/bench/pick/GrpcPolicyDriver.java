package dev.discovery.bench.pick;

import dev.discovery.api.Endpoint;
import dev.discovery.testkit.clock.FakeScheduler;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.SynchronizationContext;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Drives a gRPC load-balancing policy through grpc's public {@link LoadBalancer} API, as a channel
 * would: the policy is looked up by name in {@link LoadBalancerRegistry#getDefaultRegistry()},
 * given one address group per endpoint, and every subchannel it creates turns READY. What is
 * measured is then the policy's own {@link LoadBalancer.SubchannelPicker}.
 *
 * <p>The same driver serves grpc's {@code round_robin} and, once discovery-grpc registers them, our
 * {@code random} and {@code sticky} policies, so both sides are driven the same way.
 */
public final class GrpcPolicyDriver implements AutoCloseable {
  private final List<Throwable> failures = new ArrayList<>();
  private final SynchronizationContext sync =
      new SynchronizationContext((thread, error) -> failures.add(error));
  private final FakeScheduler timers = FakeScheduler.create(); // never advanced: no timer fires
  private final Map<LoadBalancer.Subchannel, Endpoint> subchannels = new IdentityHashMap<>();
  private final LoadBalancer balancer;
  private ConnectivityState state = ConnectivityState.IDLE;
  private LoadBalancer.SubchannelPicker picker;

  private GrpcPolicyDriver(String policy, List<Endpoint> endpoints, Map<String, ?> config) {
    LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry().getProvider(policy);
    if (provider == null) {
      throw new IllegalArgumentException(
          "policy: \"" + policy + "\" (expected: a policy registered with grpc's registry)");
    }
    NameResolver.ConfigOrError parsed = provider.parseLoadBalancingPolicyConfig(config);
    if (parsed.getError() != null) {
      throw new IllegalArgumentException(
          "config: " + config + " for " + policy + " (" + parsed.getError() + ")");
    }
    this.balancer = provider.newLoadBalancer(new Helper());
    List<EquivalentAddressGroup> groups = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      groups.add(new EquivalentAddressGroup(e.address()));
    }
    LoadBalancer.ResolvedAddresses addresses =
        LoadBalancer.ResolvedAddresses.newBuilder()
            .setAddresses(groups)
            .setAttributes(Attributes.EMPTY)
            .setLoadBalancingPolicyConfig(parsed.getConfig())
            .build();
    sync.execute(() -> balancer.acceptResolvedAddresses(addresses));
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          policy + " failed while accepting addresses", failures.get(0));
    }
    if (state != ConnectivityState.READY || picker == null) {
      throw new IllegalStateException(
          policy + ": state " + state + " after all subchannels turned READY (expected: READY)");
    }
    if (subchannels.size() != endpoints.size()) {
      throw new IllegalStateException(
          policy
              + ": "
              + subchannels.size()
              + " subchannels for "
              + endpoints.size()
              + " endpoints (expected: one each)");
    }
  }

  /** The policy {@code policy} over {@code endpoints}, all READY. */
  public static GrpcPolicyDriver start(
      String policy, List<Endpoint> endpoints, Map<String, ?> config) {
    return new GrpcPolicyDriver(policy, endpoints, config);
  }

  /** The policy's current picker. */
  public LoadBalancer.SubchannelPicker picker() {
    return picker;
  }

  /** The endpoint behind a subchannel the picker chose. */
  public Endpoint endpointOf(LoadBalancer.Subchannel subchannel) {
    return subchannels.get(subchannel);
  }

  /** Pick arguments of a plain unary call with {@code headers}. */
  public static LoadBalancer.PickSubchannelArgs args(Metadata headers) {
    return new Args(headers);
  }

  @Override
  public void close() {
    sync.execute(balancer::shutdown);
  }

  private final class Helper extends LoadBalancer.Helper {
    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      return new FakeSubchannel(args);
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException("createOobChannel (expected: unused by pickers)");
    }

    @Override
    public void updateBalancingState(
        ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
      state = newState;
      picker = newPicker;
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return sync;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
      return timers;
    }

    @Override
    public String getAuthority() {
      return "bench.test";
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SilentLogger.INSTANCE;
    }
  }

  /** A subchannel that turns READY as soon as it is asked to connect. */
  private final class FakeSubchannel extends LoadBalancer.Subchannel {
    private final LoadBalancer.CreateSubchannelArgs args;
    private LoadBalancer.SubchannelStateListener listener;
    private boolean ready;

    FakeSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      this.args = args;
      for (var group : args.getAddresses()) {
        var address = (java.net.InetSocketAddress) group.getAddresses().get(0);
        subchannels.put(this, Endpoint.of(address.getAddress(), address.getPort()));
      }
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void requestConnection() {
      sync.execute(
          () -> {
            if (!ready && listener != null) {
              ready = true;
              listener.onSubchannelState(
                  ConnectivityStateInfo.forNonError(ConnectivityState.READY));
            }
          });
    }

    @Override
    public void shutdown() {
      subchannels.remove(this);
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    @Override
    public Attributes getConnectedAddressAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SilentLogger.INSTANCE;
    }
  }

  private static final class SilentLogger extends ChannelLogger {
    static final SilentLogger INSTANCE = new SilentLogger();

    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  }

  private static final class Args extends LoadBalancer.PickSubchannelArgs {
    private static final MethodDescriptor<InputStream, InputStream> METHOD =
        MethodDescriptor.<InputStream, InputStream>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Call"))
            .setRequestMarshaller(Raw.INSTANCE)
            .setResponseMarshaller(Raw.INSTANCE)
            .build();

    private final Metadata headers;

    Args(Metadata headers) {
      this.headers = headers;
    }

    @Override
    public CallOptions getCallOptions() {
      return CallOptions.DEFAULT;
    }

    @Override
    public Metadata getHeaders() {
      return headers;
    }

    @Override
    public MethodDescriptor<?, ?> getMethodDescriptor() {
      return METHOD;
    }
  }

  private enum Raw implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
