package dev.discovery.grpc.internal;

import dev.discovery.api.Endpoint;
import dev.discovery.grpc.DiscoveryGrpc;
import dev.discovery.testkit.clock.FakeScheduler;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.CreateSubchannelArgs;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.LoadBalancer.SubchannelStateListener;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LoadBalancer.Helper} for unit tests of the balancer: it records subchannels, states and
 * pickers, and lets the test drive each subchannel's connectivity. Everything runs on the calling
 * thread through a real {@link SynchronizationContext}.
 */
final class FakeHelper extends LoadBalancer.Helper {
  final SynchronizationContext syncContext =
      new SynchronizationContext(
          (t, e) -> {
            throw new AssertionError("uncaught in the synchronization context", e);
          });
  final List<FakeSubchannel> created = new CopyOnWriteArrayList<>();

  /** The channel's scheduler, which policies get for their timers: the test advances it. */
  final FakeScheduler scheduler = FakeScheduler.create();

  /** Pickers handed to the channel and subchannels shut down, in the order the balancer did so. */
  final List<String> calls = new CopyOnWriteArrayList<>();

  int stateUpdates;
  final RecordingLogger logger = new RecordingLogger();
  volatile ConnectivityState state;
  volatile SubchannelPicker picker;
  volatile int refreshes;

  @Override
  public FakeSubchannel createSubchannel(CreateSubchannelArgs args) {
    FakeSubchannel s = new FakeSubchannel(args, this);
    created.add(s);
    return s;
  }

  @Override
  public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
    throw new UnsupportedOperationException("not used by the balancer");
  }

  @Override
  public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
    syncContext.throwIfNotInThisSynchronizationContext();
    stateUpdates++;
    state = newState;
    picker = newPicker;
    calls.add("picker " + newState);
  }

  @Override
  public void refreshNameResolution() {
    refreshes++;
  }

  @Override
  public SynchronizationContext getSynchronizationContext() {
    return syncContext;
  }

  @Override
  public java.util.concurrent.ScheduledExecutorService getScheduledExecutorService() {
    return scheduler;
  }

  @Override
  public String getAuthority() {
    return "web.shop";
  }

  @Override
  public ChannelLogger getChannelLogger() {
    return logger;
  }

  /** The open subchannel of {@code address}. */
  FakeSubchannel subchannel(InetSocketAddress address) {
    List<FakeSubchannel> open =
        created.stream().filter(s -> !s.shutdown && s.address().equals(address)).toList();
    if (open.size() != 1) {
      throw new AssertionError("open subchannels of " + address + ": " + open.size());
    }
    return open.get(0);
  }

  List<FakeSubchannel> open() {
    return created.stream().filter(s -> !s.shutdown).toList();
  }

  /** Runs {@code task} in the synchronization context, as grpc calls a balancer. */
  void inContext(Runnable task) {
    syncContext.execute(task);
  }

  /** A pick with these headers. */
  PickResult pick(io.grpc.Metadata headers) {
    return picker.pickSubchannel(Args.of(headers));
  }

  /** A pick without headers. */
  PickResult pick() {
    return pick(new io.grpc.Metadata());
  }

  /** The address a pick landed on; fails if it did not land on a subchannel. */
  static InetSocketAddress address(PickResult result) {
    if (result.getSubchannel() == null) {
      throw new AssertionError("no subchannel picked: " + result);
    }
    return ((FakeSubchannel) result.getSubchannel()).address();
  }

  static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  /** Address groups as discovery's resolver makes them, with the endpoint attached. */
  static List<EquivalentAddressGroup> groups(InetSocketAddress... addresses) {
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (InetSocketAddress a : addresses) {
      Endpoint e = Endpoint.of(a.getAddress(), a.getPort());
      groups.add(
          new EquivalentAddressGroup(
              a, Attributes.newBuilder().set(DiscoveryGrpc.ENDPOINT, e).build()));
    }
    return groups;
  }

  /** Pick arguments with only headers. */
  static final class Args extends PickSubchannelArgs {
    private final io.grpc.Metadata headers;

    private Args(io.grpc.Metadata headers) {
      this.headers = headers;
    }

    static Args of(io.grpc.Metadata headers) {
      return new Args(headers);
    }

    @Override
    public io.grpc.CallOptions getCallOptions() {
      return io.grpc.CallOptions.DEFAULT;
    }

    @Override
    public io.grpc.Metadata getHeaders() {
      return headers;
    }

    @Override
    public io.grpc.MethodDescriptor<?, ?> getMethodDescriptor() {
      return null;
    }
  }

  /** A subchannel whose state the test sets. */
  static final class FakeSubchannel extends LoadBalancer.Subchannel {
    private final CreateSubchannelArgs args;
    private final FakeHelper helper;
    private final SynchronizationContext syncContext;
    private SubchannelStateListener listener;
    volatile boolean shutdown;
    volatile int connectionRequests;

    FakeSubchannel(CreateSubchannelArgs args, FakeHelper helper) {
      this.args = args;
      this.helper = helper;
      this.syncContext = helper.syncContext;
    }

    InetSocketAddress address() {
      return (InetSocketAddress) args.getAddresses().get(0).getAddresses().get(0);
    }

    @Override
    public void start(SubchannelStateListener listener) {
      syncContext.throwIfNotInThisSynchronizationContext();
      this.listener = listener;
    }

    @Override
    public void shutdown() {
      syncContext.throwIfNotInThisSynchronizationContext();
      shutdown = true;
      helper.calls.add("shutdown " + address());
    }

    @Override
    public void requestConnection() {
      syncContext.throwIfNotInThisSynchronizationContext();
      connectionRequests++;
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    /** Reports {@code state} to the balancer, as grpc does, in the synchronization context. */
    void report(ConnectivityState state) {
      syncContext.execute(
          () -> listener.onSubchannelState(ConnectivityStateInfo.forNonError(state)));
    }

    void fail(Status status) {
      syncContext.execute(
          () -> listener.onSubchannelState(ConnectivityStateInfo.forTransientFailure(status)));
    }

    @Override
    public String toString() {
      return "FakeSubchannel[" + address() + (shutdown ? ", shut down" : "") + "]";
    }
  }

  /** A JSON object from alternating keys and values, in that order. */
  static Map<String, Object> json(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
