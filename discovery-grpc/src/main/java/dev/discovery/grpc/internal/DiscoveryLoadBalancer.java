package dev.discovery.grpc.internal;

import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.Endpoint;
import dev.discovery.api.PickCounter;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.api.ServiceWatch;
import dev.discovery.grpc.DiscoveryGrpc;
import dev.discovery.spi.CallFeedback;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import io.grpc.ChannelLogger;
import io.grpc.ChannelLogger.ChannelLogLevel;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One load balancer for every discovery policy: subchannels per endpoint, pickers from the policy's
 * {@link Policy}.
 *
 * <ul>
 *   <li>Subchannels are reconciled by endpoint identity (IP and port) on each resolution: kept,
 *       created (and asked to connect), or shut down when their endpoint leaves, after the channel
 *       has a picker without them.
 *   <li>Only READY subchannels carry calls. An unkeyed policy's picker is built over the READY ones
 *       on every change of state; a keyed policy's over every eligible endpoint once per resolution
 *       (see {@link DiscoveryPicker}); the policy's instance (an affinity table, say) lives as long
 *       as the balancer so remembered keys survive picker swaps.
 *   <li>A subchannel that fails (TRANSIENT_FAILURE) or loses its connection (IDLE) leaves rotation
 *       at once, asks the channel to re-resolve and reconnects (with the subchannel's backoff)
 *       without waiting for DNS.
 *   <li>The channel's state: READY if any subchannel is READY; else CONNECTING if any connects;
 *       else IDLE if any is idle; else TRANSIENT_FAILURE with the last failure. A subchannel that
 *       failed counts as failing until it is READY again, so retries do not make the state flap.
 *   <li>A policy instance that wants call feedback ({@link PolicyInstance#feedback()}) gets it from
 *       the calls themselves: each slot's pick result carries a {@link CallTracing}. One that does
 *       not gets nothing, and a pick allocates nothing.
 *   <li>The policy's {@link PolicyContext#refresh() refresh}, from any thread, rebuilds the pickers
 *       over the same slots once in the synchronization context, however many refreshes were asked
 *       meanwhile. Its observer is the discovery's ({@link DiscoveryNameResolver#OBSERVER}).
 *   <li>Keyed policies: while some endpoint has never been READY (a scale-up's new pods warming
 *       up), the table in use before they arrived is kept, and a key whose owner is not READY stays
 *       on the endpoint that table gives it, if that one is still present and READY. The table is
 *       dropped once every endpoint has been READY: the mapping is the pure function.
 * </ul>
 *
 * <p>Everything runs in the channel's synchronization context, except picks, call tracing and
 * {@link #refreshFromPolicy}.
 */
final class DiscoveryLoadBalancer extends LoadBalancer {
  private final Helper helper;
  private final SynchronizationContext syncContext;
  private boolean stateUpdatePending; // sync context only
  private final ChannelLogger logger;
  private final PolicyConfig unconfigured;
  private final Clock clock;
  private final PolicyContext.Ticker ticker;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile DiscoveryObserver observer = DiscoveryObserver.NONE;

  private final Map<InetSocketAddress, Slot> slots = new HashMap<>();
  private PolicyConfig config;
  private PolicyInstance<Slot> instance; // of config's policy: its state lives as long
  private CallFeedback feedback; // of instance, or null
  private KeyedTable keyed; // keyed policies with at least one endpoint
  private KeyedTable warmTable; // keyed: the table before endpoints that are warming up
  private Status lastFailure; // the last TRANSIENT_FAILURE status of a subchannel
  private Status emptyStatus; // why there are no endpoints, when there are none
  private Map<String, String> setAttributes = Map.of(); // the snapshot's, for policies
  private ServiceWatch watch; // where the addresses come from, or null (another resolver)
  private PickCounter picks; // counts picks of the current slots, or null when not counted
  private boolean warnedNoHeader;
  private boolean shutdown;

  DiscoveryLoadBalancer(Helper helper, PolicyConfig unconfigured) {
    this(helper, unconfigured, Clock.systemUTC(), PolicyContext.Ticker.SYSTEM);
  }

  DiscoveryLoadBalancer(Helper helper, PolicyConfig unconfigured, Clock clock) {
    this(helper, unconfigured, clock, PolicyContext.Ticker.SYSTEM);
  }

  /**
   * @param ticker the policy's ticker and the call latencies' (tests inject their own)
   */
  DiscoveryLoadBalancer(
      Helper helper, PolicyConfig unconfigured, Clock clock, PolicyContext.Ticker ticker) {
    this.helper = helper;
    this.syncContext = helper.getSynchronizationContext();
    this.logger = helper.getChannelLogger();
    this.unconfigured = unconfigured;
    this.clock = clock;
    this.ticker = ticker;
  }

  @Override
  public boolean canHandleEmptyAddressListFromNameResolution() {
    return true;
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    if (shutdown) {
      return Status.OK;
    }
    DiscoveryObserver o = resolved.getAttributes().get(DiscoveryNameResolver.OBSERVER);
    if (o != null) {
      observer = o;
    }
    configure(resolved.getLoadBalancingPolicyConfig() instanceof PolicyConfig c ? c : unconfigured);
    Map<String, String> facts = resolved.getAttributes().get(DiscoveryNameResolver.SET_ATTRIBUTES);
    setAttributes = facts != null ? facts : Map.of();
    Map<InetSocketAddress, EquivalentAddressGroup> groups = new LinkedHashMap<>();
    Map<InetSocketAddress, Endpoint> endpoints = new HashMap<>();
    for (EquivalentAddressGroup group : resolved.getAddresses()) {
      Endpoint e = endpointOf(group);
      if (e == null) {
        logger.log(
            ChannelLogLevel.WARNING,
            "Ignoring {0}: not an IP socket address (expected: an InetSocketAddress)",
            group);
      } else if (groups.putIfAbsent(e.address(), group) == null) {
        endpoints.put(e.address(), e);
      }
    }
    List<Slot> removed = reconcile(groups, endpoints);
    ServiceWatch w = resolved.getAttributes().get(DiscoveryNameResolver.WATCH);
    if (w != null) {
      watch = w;
    }
    countPicks();
    if (slots.isEmpty()) {
      String reason = resolved.getAttributes().get(DiscoveryNameResolver.EMPTY_REASON);
      emptyStatus =
          Status.UNAVAILABLE.withDescription(
              reason != null
                  ? reason
                  : helper.getAuthority() + ": name resolution returned no IP address");
    } else {
      emptyStatus = null;
    }
    KeyedTable before = keyed;
    rebuildKeyed();
    if (warmTable == null && keyed != null) {
      warmTable = before; // null when the policy changed or had no table: nothing to keep
    }
    updateState();
    // Only now that the channel's picker no longer has them (grpc's MultiChildLoadBalancer order):
    // no call picks a subchannel already shut down.
    removed.forEach(Slot::shutdown);
    return Status.OK;
  }

  private void configure(PolicyConfig c) {
    if (instance == null || !c.policy().equals(config.policy())) {
      instance =
          c.policy()
              .newInstance(
                  new PolicyContext(
                      clock,
                      ticker,
                      helper.getAuthority(),
                      helper.getScheduledExecutorService(),
                      this::refreshFromPolicy,
                      event -> observer.onEvent(event)));
      feedback = instance.feedback();
      keyed = null; // another policy's table: no key stays where it sent it
      warmTable = null;
      for (Slot s : slots.values()) {
        s.report(feedback, ticker);
      }
    }
    config = c;
    Policy factory = c.policy();
    if (factory.keyed() && c.header() == null && !warnedNoHeader) {
      warnedNoHeader = true;
      logger.log(
          ChannelLogLevel.WARNING,
          "Policy {0} has no header to take keys from: every call goes to a random READY endpoint"
              + " (expected: a loadBalancingConfig of {0} that names a header, such as"
              + " x-session-id)",
          factory.name());
    }
  }

  /**
   * A policy's state changed between resolutions (an endpoint ejected or returned): new pickers
   * over the same endpoints, once for every refresh asked before the rebuild runs. Any thread.
   */
  private void refreshFromPolicy() {
    if (!refreshQueued.compareAndSet(false, true)) {
      return; // a rebuild is queued and has not started: it will see this change too
    }
    syncContext.execute(
        () -> {
          refreshQueued.set(false);
          if (!shutdown && config != null) {
            rebuildKeyed();
            updateState();
          }
        });
  }

  /**
   * Counts picks with the watch's counters when its discovery counts them (the slots' endpoint
   * instances, as the last resolution gave them).
   */
  private void countPicks() {
    PickCounter c =
        watch == null || slots.isEmpty()
            ? PickCounter.NONE
            : watch.pickCounter(endpointsOf(new ArrayList<>(slots.values())));
    picks = c == PickCounter.NONE ? null : c;
  }

  /** The group's endpoint: the resolver's, else a plain one from its first address. */
  private static Endpoint endpointOf(EquivalentAddressGroup group) {
    Endpoint e = group.getAttributes().get(DiscoveryGrpc.ENDPOINT);
    if (e != null) {
      return e;
    }
    SocketAddress first = group.getAddresses().get(0);
    if (first instanceof InetSocketAddress a && !a.isUnresolved() && a.getPort() > 0) {
      return Endpoint.of(a.getAddress(), a.getPort());
    }
    return null;
  }

  /** Keeps, creates and removes slots; returns the removed ones, for the caller to shut down. */
  private List<Slot> reconcile(
      Map<InetSocketAddress, EquivalentAddressGroup> groups,
      Map<InetSocketAddress, Endpoint> endpoints) {
    List<Slot> removed = new ArrayList<>();
    for (Iterator<Slot> it = slots.values().iterator(); it.hasNext(); ) {
      Slot s = it.next();
      if (!groups.containsKey(s.id)) {
        s.removed = true;
        it.remove();
        removed.add(s);
      }
    }
    for (Map.Entry<InetSocketAddress, EquivalentAddressGroup> g : groups.entrySet()) {
      Slot s = slots.get(g.getKey());
      Endpoint e = endpoints.get(g.getKey());
      if (s != null) {
        s.endpoint = e;
        continue;
      }
      Subchannel subchannel =
          helper.createSubchannel(
              CreateSubchannelArgs.newBuilder()
                  .setAddresses(g.getValue())
                  .setAttributes(g.getValue().getAttributes())
                  .build());
      Slot created = new Slot(e, subchannel, syncContext);
      created.report(feedback, ticker);
      slots.put(created.id, created);
      subchannel.start(state -> onSubchannelState(created, state));
      subchannel.requestConnection();
    }
    return removed;
  }

  private void onSubchannelState(Slot slot, ConnectivityStateInfo info) {
    if (shutdown || slots.get(slot.id) != slot) {
      return; // a state report of a subchannel shut down meanwhile
    }
    ConnectivityState before = slot.state;
    ConnectivityState now = info.getState();
    slot.state = now;
    switch (now) {
      case READY -> {
        slot.failing = false;
        slot.warm = true;
      }
      case TRANSIENT_FAILURE -> {
        slot.failing = true;
        lastFailure = info.getStatus();
        helper.refreshNameResolution();
      }
      case IDLE -> {
        if (before == ConnectivityState.READY) {
          helper.refreshNameResolution(); // the connection was lost: is the pod still there?
        }
        slot.subchannel.requestConnection();
      }
      default -> {}
    }
    if (before != now) {
      scheduleStateUpdate();
    }
  }

  /**
   * Aggregates state and builds a picker once for all the subchannel reports queued in the
   * synchronization context: a channel whose N connections turn READY together builds one picker,
   * not N pickers of growing size.
   */
  private void scheduleStateUpdate() {
    if (stateUpdatePending) {
      return;
    }
    stateUpdatePending = true;
    syncContext.execute(
        () -> {
          stateUpdatePending = false;
          if (!shutdown) {
            updateState();
          }
        });
  }

  /**
   * Rebuilds the keyed policy's picker over every endpoint. If the policy fails to build one, keys
   * are ignored (random among READY) until it succeeds: an older table could pick subchannels that
   * are shut down.
   */
  private void rebuildKeyed() {
    Policy factory = config.policy();
    keyed = null;
    if (!factory.keyed() || slots.isEmpty()) {
      return;
    }
    List<Slot> all = new ArrayList<>(slots.values());
    Candidates<Slot> candidates = Candidates.of(all, endpointsOf(all), setAttributes);
    try {
      keyed = new KeyedTable(instance.newPicker(candidates), candidates.size());
    } catch (RuntimeException e) {
      logger.log(
          ChannelLogLevel.ERROR,
          "Policy {0} failed to build a picker over {1} endpoints ({2}); calls go to a random READY"
              + " endpoint until it succeeds",
          factory.name(),
          all.size(),
          e);
    }
  }

  private static List<Endpoint> endpointsOf(List<Slot> slots) {
    List<Endpoint> endpoints = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      endpoints.add(s.endpoint);
    }
    return endpoints;
  }

  /** Aggregates the subchannels' states and hands the channel a new picker. */
  private void updateState() {
    if (slots.isEmpty()) {
      Status why =
          emptyStatus != null ? emptyStatus : Status.UNAVAILABLE.withDescription("no endpoints");
      helper.updateBalancingState(
          ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(why)));
      return;
    }
    List<Slot> ready = new ArrayList<>();
    boolean connecting = false;
    boolean idle = false;
    for (Slot s : slots.values()) {
      switch (s.aggregateState()) {
        case READY -> ready.add(s);
        case CONNECTING -> connecting = true;
        case IDLE -> idle = true;
        default -> {}
      }
    }
    ConnectivityState state;
    PickResult none;
    if (!ready.isEmpty()) {
      state = ConnectivityState.READY;
      none = PickResult.withNoResult();
    } else if (connecting || idle) {
      state = connecting ? ConnectivityState.CONNECTING : ConnectivityState.IDLE;
      none = PickResult.withNoResult();
    } else {
      state = ConnectivityState.TRANSIENT_FAILURE;
      none = PickResult.withError(failureStatus());
    }
    if (warmTable != null && allWarm()) {
      warmTable = null; // every key's owner has been READY: the pure mapping from now on
    }
    Slot[] readySlots = ready.toArray(new Slot[0]);
    helper.updateBalancingState(state, picker(readySlots, none));
  }

  private boolean allWarm() {
    for (Slot s : slots.values()) {
      if (!s.warm) {
        return false;
      }
    }
    return true;
  }

  private SubchannelPicker picker(Slot[] ready, PickResult none) {
    if (keyed != null) {
      return DiscoveryPicker.keyed(keyed, warmTable, config.header(), ready, none, picks);
    }
    if (ready.length == 0) {
      return DiscoveryPicker.unkeyed(null, ready, none, null);
    }
    // A keyed policy without a table failed to build one: random meanwhile.
    Policy policy = config.policy().keyed() ? Policies.random() : config.policy();
    PolicyInstance<Slot> builder = policy == config.policy() ? instance : policy::newPicker;
    List<Slot> items = List.of(ready);
    Candidates<Slot> candidates = Candidates.of(items, endpointsOf(items), setAttributes);
    Picker<Slot> p;
    try {
      p = builder.newPicker(candidates);
    } catch (RuntimeException e) {
      logger.log(
          ChannelLogLevel.ERROR,
          "Policy {0} failed to build a picker over {1} READY endpoints ({2}); picking at random",
          policy.name(),
          ready.length,
          e);
      p = Policies.random().newPicker(candidates);
    }
    return DiscoveryPicker.unkeyed(p, ready, none, picks);
  }

  /** The last failure, said as the channel's: which target, how many endpoints, what failed. */
  private Status failureStatus() {
    Status last = lastFailure != null ? lastFailure : Status.UNAVAILABLE;
    return last.withDescription(
        helper.getAuthority()
            + ": none of "
            + slots.size()
            + " endpoints is READY; last failure: "
            + (last.getDescription() != null ? last.getDescription() : last.getCode())
            + (last.getCause() != null ? " (" + last.getCause() + ")" : ""));
  }

  @Override
  public void handleNameResolutionError(Status error) {
    if (shutdown) {
      return;
    }
    if (slots.isEmpty()) {
      helper.updateBalancingState(
          ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
    }
    // Otherwise the last good endpoints stay in use.
  }

  @Override
  public void requestConnection() {
    for (Slot s : slots.values()) {
      if (s.state == ConnectivityState.IDLE) {
        s.subchannel.requestConnection();
      }
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Slot s : slots.values()) {
      s.shutdown();
    }
    slots.clear();
    keyed = null;
    warmTable = null;
    picks = null;
  }

  /** How many subchannels are open (for tests). */
  int subchannels() {
    return slots.size();
  }

  @Override
  public String toString() {
    return "DiscoveryLoadBalancer[" + config + ", " + slots.values() + "]";
  }
}
