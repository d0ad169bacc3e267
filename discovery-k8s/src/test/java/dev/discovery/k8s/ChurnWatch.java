package dev.discovery.k8s;

import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.NoEndpointAvailableException;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Subscription;
import dev.discovery.api.WatchEvent;
import dev.discovery.api.WatchListener;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One watch under churn, with what checks it: several recording listeners (one subscribed late),
 * random and sticky balancers, and a thread that picks from them when given permits. Listeners
 * check each event as it comes; {@link #checkPicks}, {@link #checkListenersAgree} and {@link
 * #checkSticky} check the rest. Every violation goes to one sink, which names the seed and step.
 */
final class ChurnWatch implements AutoCloseable {
  private static final int STICKY_KEYS = 1_000;

  final String name;
  final ServiceWatch watch;
  private final Consumer<String> violations;
  private final boolean everySnapshotHasReady;
  private final List<Recorder> recorders = new ArrayList<>();
  private final List<Balancer> balancers = new ArrayList<>();
  private final List<Balancer> sticky = new ArrayList<>();

  /** Eligible addresses by revision, as the first listener heard them. */
  private final Map<Long, Set<InetSocketAddress>> eligibleByRevision = new ConcurrentHashMap<>();

  private final Semaphore permits = new Semaphore(0);
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong picked = new AtomicLong();
  private final ConcurrentLinkedQueue<Pick> picks = new ConcurrentLinkedQueue<>();
  private final List<Pick> deferred = new ArrayList<>();
  private final Thread picker;
  private volatile boolean running = true;
  private volatile String refused; // the resource the server refuses, or null
  private long picksChecked;

  /** A pick, with the watch's revision read before and after it. */
  private record Pick(long before, long after, InetSocketAddress picked, String balancer) {}

  /**
   * @param everySnapshotHasReady whether every snapshot the source publishes must have a ready
   *     endpoint (true when each reflects one state of the cluster, which always has one)
   */
  ChurnWatch(
      String name,
      ServiceWatch watch,
      long seed,
      boolean everySnapshotHasReady,
      Consumer<String> violations) {
    this.name = name;
    this.watch = watch;
    this.violations = violations;
    this.everySnapshotHasReady = everySnapshotHasReady;
    subscribe(true);
    subscribe(false);
    balancers.add(watch.balancer(Policies.random()));
    balancers.add(watch.balancer(Policies.random(new Random(seed))));
    sticky.add(watch.balancer(Policies.sticky()));
    sticky.add(watch.balancer(Policies.sticky()));
    balancers.addAll(sticky);
    Random keys = new Random(seed ^ 0x5eed);
    picker = new Thread(() -> pickLoop(keys), "churn-picker-" + name);
    picker.setDaemon(true);
    picker.start();
  }

  /** Adds a listener now, while the watch is busy: it must see a suffix of the same sequence. */
  void subscribeLate() {
    subscribe(false);
  }

  private void subscribe(boolean history) {
    Recorder r = new Recorder(history);
    recorders.add(r);
    r.subscription = watch.subscribe(r);
  }

  /**
   * Tells the listeners which resource the server refuses (403) to the source now, until further
   * notice, or null: once they heard that refusal (an error naming the resource; an earlier refusal
   * of the other one may still be reported), a Recovered event is a violation while it lasts.
   */
  void refused(String resource) {
    this.refused = resource;
    recorders.forEach(Recorder::forgetRefusal);
  }

  boolean isRefused() {
    return refused != null;
  }

  /** Whether {@code error} is the refusal in force now. */
  boolean isRefusal(ResolutionError error) {
    String resource = refused;
    return resource != null
        && error.kind() == ResolutionError.Kind.PERMISSION_DENIED
        && error.message().contains("--resource=" + resource);
  }

  /** Lets the picker thread make {@code n} more picks. */
  void pick(int n) {
    issued.addAndGet(n);
    permits.release(n);
  }

  /** Whether every pick allowed so far has been made. */
  boolean picksDone() {
    return picked.get() == issued.get();
  }

  private void pickLoop(Random keys) {
    int next = 0;
    while (running) {
      try {
        if (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      Balancer b = balancers.get(next++ % balancers.size());
      long before = revision();
      try {
        Endpoint e = b.policy().keyed() ? b.pick("key-" + keys.nextInt(STICKY_KEYS)) : b.pick();
        picks.add(new Pick(before, revision(), e.address(), b.policy().name()));
      } catch (NoEndpointAvailableException e) {
        violations.accept(name + ": " + b.policy().name() + " pick failed: " + e.getMessage());
      } finally {
        picked.incrementAndGet();
      }
    }
  }

  private long revision() {
    return watch.current().map(EndpointSet::revision).orElse(0L);
  }

  /**
   * Checks the picks made so far: each endpoint is in the eligible set of a snapshot from the
   * revision current before the pick to the one after it, plus one (the watch tells its balancers
   * before it updates {@code current()}, so a pick may already use the snapshot that is being
   * published). A pick whose next revision is not published yet waits for a later check; {@code
   * last} makes that the last chance.
   */
  void checkPicks(boolean last) {
    List<Pick> todo = new ArrayList<>(deferred);
    deferred.clear();
    for (Pick p; (p = picks.poll()) != null; ) {
      todo.add(p);
    }
    for (Pick p : todo) {
      boolean found = false;
      for (long r = p.before(); r <= p.after() + 1 && !found; r++) {
        Set<InetSocketAddress> eligible = eligibleByRevision.get(r);
        found = eligible != null && eligible.contains(p.picked());
      }
      if (found) {
        picksChecked++;
      } else if (!last && !eligibleByRevision.containsKey(p.after() + 1)) {
        deferred.add(p);
      } else {
        violations.accept(
            name
                + ": "
                + p.balancer()
                + " picked "
                + p.picked()
                + ", in no snapshot of revisions "
                + p.before()
                + ".."
                + (p.after() + 1)
                + " "
                + describe(p.before(), p.after() + 1));
      }
    }
  }

  private String describe(long from, long to) {
    StringBuilder b = new StringBuilder();
    for (long r = from; r <= to; r++) {
      b.append(r).append('=').append(eligibleByRevision.get(r)).append(' ');
    }
    return b.toString().trim();
  }

  /**
   * After convergence: every listener's last snapshot is the watch's current one, and listeners
   * heard the same snapshots in the same order from the point the later of them subscribed.
   */
  void checkListenersAgree() {
    EndpointSet current = watch.current().orElse(null);
    List<List<EndpointSet>> seen = new ArrayList<>();
    for (Recorder r : recorders) {
      seen.add(r.snapshots());
    }
    long from = seen.stream().mapToLong(s -> s.isEmpty() ? 0 : s.get(0).revision()).max().orElse(0);
    List<EndpointSet> reference = null;
    for (int i = 0; i < seen.size(); i++) {
      List<EndpointSet> suffix = seen.get(i).stream().filter(s -> s.revision() >= from).toList();
      if (suffix.isEmpty() || suffix.get(suffix.size() - 1) != current) {
        violations.accept(
            name
                + ": listener "
                + i
                + " ends at "
                + (suffix.isEmpty() ? "nothing" : suffix.get(suffix.size() - 1).summary())
                + " (expected: the current "
                + (current == null ? "none" : current.summary())
                + ")");
      } else if (reference == null) {
        reference = suffix;
      } else if (!reference.equals(suffix)) {
        violations.accept(
            name
                + ": listener "
                + i
                + " heard revisions "
                + suffix.stream().map(EndpointSet::revision).toList()
                + " (expected, as listener 0: "
                + reference.stream().map(EndpointSet::revision).toList()
                + ")");
      }
    }
  }

  /**
   * After convergence: each sticky balancer maps {@value #STICKY_KEYS} keys as a picker built fresh
   * from the current eligible endpoints does.
   */
  void checkSticky() {
    List<Endpoint> eligible = watch.current().orElseThrow().eligible();
    Picker<Endpoint> fresh = Policies.sticky().newPicker(Candidates.ofEndpoints(eligible));
    for (Balancer b : sticky) {
      for (int k = 0; k < STICKY_KEYS; k++) {
        String key = "session-" + k;
        InetSocketAddress got = b.pick(key).address();
        InetSocketAddress expected = fresh.pick(key).address();
        if (!got.equals(expected)) {
          violations.accept(
              name
                  + ": sticky balancer sends "
                  + key
                  + " to "
                  + got
                  + " (expected, as a fresh picker over "
                  + eligible.size()
                  + " eligible endpoints: "
                  + expected
                  + ")");
          return;
        }
      }
    }
  }

  long picksChecked() {
    return picksChecked;
  }

  /** Events heard by all listeners: changed, failed, recovered. */
  long[] events() {
    long[] sum = new long[3];
    for (Recorder r : recorders) {
      long[] c = r.counts();
      for (int i = 0; i < 3; i++) {
        sum[i] += c[i];
      }
    }
    return sum;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    picker.join(5_000);
    recorders.forEach(r -> r.subscription.close());
    watch.close();
  }

  /** A listener that keeps the snapshots it hears and checks each event against the last one. */
  private final class Recorder implements WatchListener {
    private final boolean history;
    private final List<EndpointSet> snapshots = new ArrayList<>(); // guarded by this
    private final long[] counts = new long[3]; // guarded by this
    private boolean heardRefusal; // guarded by this
    private boolean changedSinceRefusal; // guarded by this
    Subscription subscription;

    Recorder(boolean history) {
      this.history = history;
    }

    @Override
    public synchronized void onEvent(WatchEvent event) {
      EndpointSet last = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
      heardRefusal &= refused != null;
      changedSinceRefusal &= heardRefusal;
      if (event instanceof WatchEvent.Changed c) {
        counts[0]++;
        EndpointSet now = c.current();
        if (changedSinceRefusal) {
          violations.accept(
              name
                  + ": two snapshots while the server refuses a request the source needs, with no"
                  + " Failed between (expected: the refusal reported again after each snapshot, so"
                  + " lastError() stays set)");
        }
        changedSinceRefusal = heardRefusal;
        if (last != null && (c.previous() != last || now.revision() != last.revision() + 1)) {
          violations.accept(
              name
                  + ": Changed to revision "
                  + now.revision()
                  + " from "
                  + (c.previous() == null ? "none" : c.previous().revision())
                  + " (expected: from "
                  + last.revision()
                  + " to "
                  + (last.revision() + 1)
                  + ")");
        }
        if (now.isEmpty()) {
          violations.accept(name + ": an empty snapshot was published: " + now.summary());
        } else if (everySnapshotHasReady && now.readyCount() == 0) {
          violations.accept(name + ": a snapshot without a ready endpoint: " + now.summary());
        }
        snapshots.add(now);
        if (history) {
          eligibleByRevision.put(now.revision(), ChurnModel.addresses(now.eligible()));
        }
      } else if (event instanceof WatchEvent.Failed f) {
        counts[1]++;
        heardRefusal |= isRefusal(f.error());
        changedSinceRefusal = false;
        if (last != null && f.lastGood() != last) {
          violations.accept(
              name
                  + ": Failed ("
                  + f.error().message()
                  + ") with last good "
                  + (f.lastGood() == null ? "none" : f.lastGood().summary())
                  + " (expected: "
                  + last.summary()
                  + ")");
        }
      } else if (event instanceof WatchEvent.Recovered r) {
        counts[2]++;
        if (heardRefusal) {
          violations.accept(
              name
                  + ": Recovered while the server still refuses a request the source needs"
                  + " (expected: the error stays until every watch works)");
        }
        if (r.current() != last) {
          violations.accept(
              name
                  + ": Recovered with "
                  + r.current().summary()
                  + " (expected: the last snapshot heard, "
                  + (last == null ? "none" : last.summary())
                  + ")");
        }
      }
    }

    synchronized void forgetRefusal() {
      heardRefusal = false;
      changedSinceRefusal = false;
    }

    synchronized List<EndpointSet> snapshots() {
      return List.copyOf(snapshots);
    }

    synchronized long[] counts() {
      return counts.clone();
    }
  }
}
