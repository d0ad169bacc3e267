package dev.discovery.k8s.internal.api;

import dev.discovery.api.ResolutionError;
import dev.discovery.k8s.internal.api.ApiTransport.WatchHandler;
import dev.discovery.k8s.internal.api.ApiTransport.WatchStream;
import dev.discovery.spi.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list-then-watch loop of one {@link ResourceQuery} (a Service's EndpointSlices, one Service,
 * the Nodes), keeping the current objects decoded, keyed {@code namespace/name}, and handing the
 * whole current map to its {@link Listener} after every change, so a consumer always assembles from
 * all of them (all of a Service's slices, never the last one changed).
 *
 * <h2>How it keeps up</h2>
 *
 * <ul>
 *   <li><b>State.</b> With {@link Options#streamingList()}, a watch with {@code
 *       sendInitialEvents=true&resourceVersionMatch=NotOlderThan} (no resourceVersion: a consistent
 *       read) whose ADDED events are gathered until the BOOKMARK annotated {@code
 *       k8s.io/initial-events-end}; otherwise, or once the server shows it has no streaming lists,
 *       a plain list. The server shows it by answering 400 or 422 (the WatchList feature off), or
 *       by a plain bookmark, a clean end or an idle bound before the end bookmark (a server that
 *       ignores the parameters): that watch then lists from then on, without reporting an error.
 *   <li><b>Watch.</b> {@code watch=1&resourceVersion=<last seen>&allowWatchBookmarks=true&
 *       timeoutSeconds=<300..600, drawn each time>}. The last resourceVersion seen is that of the
 *       list, then of every event and bookmark.
 *   <li><b>A watch that ends cleanly</b> (its timeout) is resumed at once from the last
 *       resourceVersion, without a list; one that ends within a second having delivered nothing is
 *       a failure (a server closing every watch must not make a tight loop).
 *   <li><b>410</b> (the resourceVersion expired), as an HTTP status or as an ERROR event in the
 *       stream: list again at once. A 410 again before a watch has delivered anything waits the
 *       backoff.
 *   <li><b>Other failures</b> (a refused connection, a dropped stream, 401, 403, 404, 5xx, an ERROR
 *       event, a malformed or oversized line, a decoder that throws): reported to {@link
 *       Listener#onError} beside the last good state, which stays current, and retried after {@link
 *       Options#backoff()} with jitter (401 and 403 too: tokens rotate and RBAC is granted while we
 *       run). A watch resumes from the last resourceVersion (no list) unless there is no good state
 *       yet or a 410 asked for one. A 429 waits at least its {@code Retry-After}. The failure count
 *       resets once a watch delivers an event or bookmark, or ends cleanly.
 *   <li><b>Stalls.</b> A watch that receives nothing, not even a bookmark, for {@link
 *       Options#idleBound()} is closed, reported and resumed like a dropped one.
 *   <li><b>Recovery.</b> After an error was reported, the next watch the server accepts hands the
 *       current map on again (unchanged), so the consumer knows the source is healthy.
 * </ul>
 *
 * <p>Threading: all state lives in {@code syncContext}, where the listener is called (one call at a
 * time, never after {@link #close()}); transport callbacks and timers hop there. {@link #start()}
 * and {@link #close()} may be called from any thread. A listener that throws is logged and the loop
 * goes on.
 *
 * @param <T> what one object decodes to
 */
public final class ResourceWatch<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceWatch.class);

  /** The annotation on the bookmark that ends a streaming list's initial events. */
  static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";

  /** The range a watch's {@code timeoutSeconds} is drawn from, as client-go's (5 to 10 minutes). */
  static final int MIN_TIMEOUT_SECONDS = 300;

  static final int MAX_TIMEOUT_SECONDS = 600;

  /** A watch ending cleanly sooner than this, having delivered nothing, counts as a failure. */
  static final Duration SHORT_WATCH = Duration.ofSeconds(1);

  private static final List<String> OBJECT_EVENTS = List.of("ADDED", "MODIFIED", "DELETED");

  /** Hears the watch, in the sync context. */
  public interface Listener<T> {
    /**
     * The current objects, keyed {@code namespace/name} (just {@code name} when cluster-scoped), in
     * key order, immutable; after each list or end of initial events and after each event that
     * changed them.
     */
    void onSnapshot(SortedMap<String, T> current, String resourceVersion);

    /**
     * A failure, retried already. {@code stillServingLastGood}: a good state was delivered before
     * and stays current.
     */
    void onError(ResolutionError error, boolean stillServingLastGood);

    /**
     * The loop did something on its own, for observers: {@link #RECONNECT} (a watch or list opened
     * again: after the last one ended, by the server's timeout or a dropped stream, or after a
     * failure, a stall or an expiry) or {@link #RELIST} (the objects listed again after a good
     * state, because the watch's history expired). The default ignores it.
     */
    default void onActivity(String activity) {}
  }

  /** {@link Listener#onActivity}: opened again after an end, a failure, a stall or an expiry. */
  public static final String RECONNECT = "reconnect";

  /** {@link Listener#onActivity}: listed again after a good state. */
  public static final String RELIST = "relist";

  /**
   * How the loop behaves.
   *
   * @param backoff waits between failed attempts
   * @param idleBound how long a watch may receive nothing, not even a bookmark, before it counts as
   *     stalled; API servers with a watch cache send a bookmark about once a minute
   * @param streamingList try the streaming list ({@code sendInitialEvents}) before a plain list
   */
  public record Options(Backoff backoff, Duration idleBound, boolean streamingList) {

    /** The SDK's backoff, 90 s idle bound (1.5 bookmark periods), streaming lists tried. */
    public static Options defaults() {
      return new Options(Backoff.defaults(), Duration.ofSeconds(90), true);
    }

    public Options {
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(idleBound, "idleBound");
      if (idleBound.isNegative() || idleBound.isZero()) {
        throw new IllegalArgumentException("idleBound: " + idleBound + " (expected: > 0)");
      }
    }
  }

  /**
   * Where the loop runs and what it reads time and chance from.
   *
   * @param syncContext serialized: state lives here and the listener is called here
   * @param scheduler timers (retries, stall checks); tasks only hop to {@code syncContext}
   * @param clock to measure idle time and short watches
   * @param random for watch timeouts and backoff jitter
   */
  public record Runtime(
      Executor syncContext,
      ScheduledExecutorService scheduler,
      Clock clock,
      RandomGenerator random) {
    public Runtime {
      Objects.requireNonNull(syncContext, "syncContext");
      Objects.requireNonNull(scheduler, "scheduler");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
    }
  }

  private enum Phase {
    IDLE,
    LISTING,
    INITIAL_EVENTS,
    WATCHING,
    WAITING
  }

  private final ApiTransport transport;
  private final ResourceQuery query;
  private final Function<Map<String, Object>, T> decoder;
  private final Listener<T> listener;
  private final Runtime runtime;
  private final Options options;

  private volatile boolean closed;
  private boolean started;
  private Phase phase = Phase.IDLE;
  private long attempt; // bumped by every new request or wait: older callbacks are ignored
  private final TreeMap<String, T> items = new TreeMap<>();
  private String resourceVersion;
  private boolean synced; // items is a good state, delivered
  private boolean needsList = true;
  private boolean streaming;
  private TreeMap<String, T> initial; // gathering a streaming list
  private String initialVersion;
  private int failures;
  private int expiredInARow; // 410s with no watch delivery between them
  private boolean errorShown;
  private WatchStream stream;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> stallTimer;
  private ApiRequest watchRequest;
  private Instant openedAt;
  private Instant lastActivity;
  private boolean delivered; // the current watch delivered an event or bookmark
  private boolean connectedBefore; // connect() ran once: later runs are reconnects

  public ResourceWatch(
      ApiTransport transport,
      ResourceQuery query,
      Function<Map<String, Object>, T> decoder,
      Listener<T> listener,
      Runtime runtime,
      Options options) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.query = Objects.requireNonNull(query, "query");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.options = Objects.requireNonNull(options, "options");
    this.streaming = options.streamingList();
  }

  /** Starts listing and watching. Once. */
  public void start() {
    runtime
        .syncContext()
        .execute(
            () -> {
              if (closed || started) {
                return;
              }
              started = true;
              connect();
            });
  }

  /**
   * Stops: the stream is closed, timers are cancelled, and the listener hears nothing more (from
   * the moment this returns, whatever thread calls it).
   */
  @Override
  public void close() {
    closed = true;
    runtime
        .syncContext()
        .execute(
            () -> {
              attempt++;
              phase = Phase.IDLE;
              cancelStream();
              cancel(retryTimer);
              retryTimer = null;
              cancel(stallTimer);
              stallTimer = null;
            });
  }

  // ---- the loop; everything below runs in the sync context ----

  private void connect() {
    if (connectedBefore) {
      activity(RECONNECT);
    }
    connectedBefore = true;
    if (needsList && synced) {
      activity(RELIST);
    }
    if (needsList && streaming) {
      openWatch(true);
    } else if (needsList) {
      list();
    } else {
      openWatch(false);
    }
  }

  private void list() {
    long a = ++attempt;
    phase = Phase.LISTING;
    ApiRequest request = query.list();
    transport
        .get(request)
        .whenComplete(
            (document, thrown) ->
                inContext(
                    a,
                    () -> {
                      if (thrown != null) {
                        fail(failureOf(request, thrown));
                      } else {
                        onList(request, document);
                      }
                    }));
  }

  private void onList(ApiRequest request, Map<String, Object> document) {
    TreeMap<String, T> listed = new TreeMap<>();
    String version;
    try {
      version = versionOf(document);
      if (version == null) {
        throw new Invalid("a list without metadata.resourceVersion");
      }
      Object list = document.get("items");
      if (list != null && !(list instanceof List<?>)) {
        throw new Invalid("a list whose items is not an array");
      }
      for (Object item : list == null ? List.of() : (List<?>) list) {
        Map<String, Object> object = asObject(item, "a list item that is not an object");
        listed.put(keyOf(object), decode(object));
      }
    } catch (Invalid e) {
      fail(invalid(request, e.getMessage()));
      return;
    }
    items.clear();
    items.putAll(listed);
    resourceVersion = version;
    commit();
    openWatch(false);
  }

  private void openWatch(boolean initialEvents) {
    long a = ++attempt;
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("watch", "1");
    if (initialEvents) {
      parameters.put("sendInitialEvents", "true");
      parameters.put("resourceVersionMatch", "NotOlderThan");
      initial = new TreeMap<>();
      initialVersion = null;
    } else {
      parameters.put("resourceVersion", resourceVersion);
    }
    parameters.put("allowWatchBookmarks", "true");
    int timeout =
        MIN_TIMEOUT_SECONDS
            + runtime.random().nextInt(MAX_TIMEOUT_SECONDS - MIN_TIMEOUT_SECONDS + 1);
    parameters.put("timeoutSeconds", Integer.toString(timeout));
    ApiRequest request = query.watch(parameters);
    phase = initialEvents ? Phase.INITIAL_EVENTS : Phase.WATCHING;
    watchRequest = request;
    delivered = false;
    openedAt = runtime.clock().instant();
    lastActivity = openedAt;
    scheduleStallCheck(a, options.idleBound());
    // Set on the transport's thread when bytes arrive, cleared in the context as they are noted.
    AtomicBoolean dataPending = new AtomicBoolean();
    stream =
        transport.watch(
            request,
            new WatchHandler() {
              @Override
              public void onOpen() {
                inContext(a, ResourceWatch.this::onOpen);
              }

              @Override
              public void onEvent(Map<String, Object> event) {
                inContext(a, () -> ResourceWatch.this.onEvent(request, event));
              }

              @Override
              public void onData() {
                // Chunks of one long line come by the thousand: one hop at a time is enough.
                if (!dataPending.getAndSet(true)) {
                  inContext(
                      a,
                      () -> {
                        dataPending.set(false);
                        lastActivity = runtime.clock().instant();
                      });
                }
              }

              @Override
              public void onEnd(Optional<ApiFailure> failure) {
                inContext(a, () -> ResourceWatch.this.onEnd(request, failure));
              }
            });
  }

  private void onOpen() {
    lastActivity = runtime.clock().instant();
    if (errorShown && synced && phase == Phase.WATCHING) {
      deliver(); // unchanged: tells the consumer the source is healthy again
    }
  }

  private void onEvent(ApiRequest request, Map<String, Object> event) {
    lastActivity = runtime.clock().instant();
    try {
      apply(event);
    } catch (Invalid e) {
      cancelStream();
      fail(invalid(request, e.getMessage()));
      return;
    }
    if (phase != Phase.IDLE && phase != Phase.LISTING) {
      delivered = true;
      failures = 0;
      expiredInARow = 0;
    }
  }

  private void apply(Map<String, Object> event) {
    Object type = event.get("type");
    Map<String, Object> object = asObject(event.get("object"), "a watch event without an object");
    if ("BOOKMARK".equals(type)) {
      String version = versionOf(object);
      if (version == null) {
        throw new Invalid("a BOOKMARK without metadata.resourceVersion");
      }
      if (phase != Phase.INITIAL_EVENTS) {
        resourceVersion = version;
      } else if (endsInitialEvents(object)) {
        items.clear();
        items.putAll(initial);
        initial = null;
        resourceVersion = version;
        phase = Phase.WATCHING;
        commit();
      } else {
        fallBackToList("a bookmark came before the initial-events-end bookmark");
      }
      return;
    }
    if (!OBJECT_EVENTS.contains(type)) {
      throw new Invalid(
          "a watch event of type "
              + type
              + " (expected: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)");
    }
    String key = keyOf(object);
    T value = "DELETED".equals(type) ? null : decode(object);
    String version = versionOf(object);
    if (phase == Phase.INITIAL_EVENTS) {
      put(initial, key, value);
      if (version != null) {
        initialVersion = version;
      }
      return;
    }
    boolean changed = put(items, key, value);
    if (version != null) {
      resourceVersion = version;
    }
    if (changed) {
      deliver();
    }
  }

  private static <T> boolean put(Map<String, T> map, String key, T value) {
    T old = value == null ? map.remove(key) : map.put(key, value);
    return !Objects.equals(old, value);
  }

  private void onEnd(ApiRequest request, Optional<ApiFailure> failure) {
    stream = null;
    cancel(stallTimer);
    stallTimer = null;
    if (failure.isPresent()) {
      ApiFailure f = failure.get();
      if (f.expired()) {
        expired(f);
      } else if (phase == Phase.INITIAL_EVENTS && f.rejectedAsInvalid()) {
        fallBackToList("it answered " + f.status() + " to sendInitialEvents");
      } else {
        fail(f);
      }
      return;
    }
    if (phase == Phase.INITIAL_EVENTS) {
      fallBackToList("the stream ended before the initial-events-end bookmark");
      return;
    }
    Duration lasted = Duration.between(openedAt, runtime.clock().instant());
    if (!delivered && lasted.compareTo(SHORT_WATCH) < 0) {
      fail(
          ApiFailure.of(
              ResolutionError.unavailable(
                  "the Kubernetes API ended the "
                      + request.describe()
                      + " at once, with nothing sent (expected: a watch that lasts its"
                      + " timeoutSeconds)")));
      return;
    }
    failures = 0;
    activity(RECONNECT);
    openWatch(false); // its timeout: resume from the last resourceVersion, no list
  }

  private void expired(ApiFailure f) {
    log.debug("{}", f.error().message());
    needsList = true;
    expiredInARow++;
    if (expiredInARow == 1) {
      connect();
    } else {
      retryAfter(options.backoff().delayAfter(expiredInARow - 1, runtime.random()));
    }
  }

  private void fallBackToList(String why) {
    log.info(
        "the Kubernetes API does not serve streaming lists for {} ({}): listing instead",
        query.resource(),
        why);
    cancelStream();
    cancel(stallTimer);
    stallTimer = null;
    streaming = false;
    initial = null;
    needsList = true;
    list();
  }

  private void fail(ApiFailure f) {
    failures++;
    Duration wait = options.backoff().delayAfter(failures, runtime.random());
    if (f.retryAfter().isPresent() && f.retryAfter().get().compareTo(wait) > 0) {
      wait = f.retryAfter().get();
    }
    if (phase == Phase.INITIAL_EVENTS) {
      initial = null; // a streaming list that broke is started again, never resumed
    }
    errorShown = true;
    boolean servingLastGood = synced;
    retryAfter(wait);
    try {
      listener.onError(f.error(), servingLastGood);
    } catch (RuntimeException e) {
      log.warn("a watch listener threw on an error; ignored", e);
    }
  }

  private void retryAfter(Duration wait) {
    Runtime rt = runtime;
    long a = ++attempt;
    phase = Phase.WAITING;
    cancel(stallTimer);
    stallTimer = null;
    cancel(retryTimer);
    retryTimer =
        rt.scheduler()
            .schedule(
                () -> rt.syncContext().execute(() -> inContext(a, this::connect)),
                wait.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void scheduleStallCheck(long a, Duration delay) {
    cancel(stallTimer);
    stallTimer =
        runtime
            .scheduler()
            .schedule(
                () -> runtime.syncContext().execute(() -> inContext(a, this::checkStall)),
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void checkStall() {
    long a = attempt;
    Duration idle = Duration.between(lastActivity, runtime.clock().instant());
    if (idle.compareTo(options.idleBound()) < 0) {
      scheduleStallCheck(a, options.idleBound().minus(idle));
      return;
    }
    stallTimer = null;
    if (phase == Phase.INITIAL_EVENTS) {
      fallBackToList("nothing came for " + idle.toSeconds() + " s");
      return;
    }
    cancelStream();
    fail(
        ApiFailure.of(
            ResolutionError.unavailable(
                "the "
                    + watchRequest.describe()
                    + " stalled: nothing for "
                    + idle.toSeconds()
                    + " s, not even a bookmark (expected: something at least every "
                    + options.idleBound().toSeconds()
                    + " s); reconnecting")));
  }

  private void commit() {
    synced = true;
    needsList = false;
    deliver();
  }

  private void deliver() {
    errorShown = false;
    SortedMap<String, T> current = Collections.unmodifiableSortedMap(new TreeMap<>(items));
    try {
      listener.onSnapshot(current, resourceVersion);
    } catch (RuntimeException e) {
      log.warn("a watch listener threw on a snapshot; ignored", e);
    }
  }

  private void activity(String activity) {
    try {
      listener.onActivity(activity);
    } catch (RuntimeException e) {
      log.warn("a watch listener threw on {}; ignored", activity, e);
    }
  }

  /** Runs {@code task} in the sync context if attempt {@code a} is still the current one. */
  private void inContext(long a, Runnable task) {
    runtime
        .syncContext()
        .execute(
            () -> {
              if (!closed && a == attempt) {
                task.run();
              }
            });
  }

  private void cancelStream() {
    WatchStream s = stream;
    stream = null;
    if (s != null) {
      s.cancel();
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  // ---- reading objects ----

  private T decode(Map<String, Object> object) {
    try {
      T value = decoder.apply(object);
      if (value == null) {
        throw new Invalid(query.resource() + " " + keyOf(object) + " decoded to nothing");
      }
      return value;
    } catch (Invalid e) {
      throw e;
    } catch (RuntimeException e) {
      throw new Invalid(
          "an unreadable object "
              + keyOf(object)
              + " ("
              + ApiErrors.oneLine(String.valueOf(e.getMessage()))
              + ")");
    }
  }

  private static boolean endsInitialEvents(Map<String, Object> bookmark) {
    return metadata(bookmark).get("annotations") instanceof Map<?, ?> annotations
        && "true".equals(annotations.get(INITIAL_EVENTS_END));
  }

  private static String keyOf(Map<String, Object> object) {
    Map<?, ?> metadata = metadata(object);
    if (!(metadata.get("name") instanceof String name) || name.isEmpty()) {
      throw new Invalid("an object without metadata.name");
    }
    return metadata.get("namespace") instanceof String ns && !ns.isEmpty() ? ns + "/" + name : name;
  }

  private static String versionOf(Map<String, Object> object) {
    return metadata(object).get("resourceVersion") instanceof String v && !v.isEmpty() ? v : null;
  }

  private static Map<?, ?> metadata(Map<String, Object> object) {
    return object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object o, String otherwise) {
    if (o instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new Invalid(otherwise);
  }

  private static ApiFailure invalid(ApiRequest request, String what) {
    return ApiFailure.of(
        ResolutionError.invalidAnswer(
            "the Kubernetes API sent " + what + " on " + request.describe()));
  }

  private static ApiFailure failureOf(ApiRequest request, Throwable thrown) {
    Throwable t = ApiErrors.unwrap(thrown);
    if (t instanceof ApiException e) {
      return e.failure();
    }
    return ApiFailure.of(
        ResolutionError.unavailable(
            request.describe()
                + " failed: "
                + (t.getMessage() == null
                    ? t.getClass().getSimpleName()
                    : ApiErrors.oneLine(t.getMessage()))));
  }

  /** An answer we cannot use; its message completes "the Kubernetes API sent ...". */
  private static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String what) {
      super(what, null, false, false);
    }
  }
}
