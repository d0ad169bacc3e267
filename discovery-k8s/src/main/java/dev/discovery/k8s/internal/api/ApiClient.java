package dev.discovery.k8s.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.ResolutionError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ApiTransport} over the JDK's {@link HttpClient} (HTTP/1.1; every watch is its own
 * connection, as client-go's are over HTTP/1.1). Each request carries {@code User-Agent:
 * discovery/<version>}, {@code Accept: application/json} and the connection's current {@code
 * Authorization} (asked for off the caller's thread, so a token file may be re-read). A list is
 * read into memory up to {@link Limits#maxResponseBytes()} and refused past it; a watch is read one
 * line at a time, each line at most {@link Limits#maxEventBytes()}. Every failure becomes an {@link
 * ApiFailure} whose message names the fix ({@link ApiErrors}).
 *
 * <p>The client runs on an executor of its own (daemon threads named {@code discovery-k8s-api-N}),
 * which {@link #close()} shuts down. The JDK client's selector thread ends when the client is
 * garbage collected (Java 17 has no {@code HttpClient.close()}); close the watches first.
 */
public final class ApiClient implements ApiTransport, AutoCloseable {
  /** Bytes of an error body read to find its Status. */
  static final int ERROR_BODY_LIMIT = 64 * 1024;

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final ApiServerAccess access;
  private final Limits limits;
  private final String userAgent;
  private final ExecutorService executor;
  private final Set<CompletableFuture<?>> exchanges = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final HttpClient http;

  /**
   * Sizes and times of requests.
   *
   * @param maxResponseBytes largest list or object accepted (a 10,000-endpoint Service in 100
   *     slices is about 5 MB of JSON)
   * @param maxEventBytes largest watch event line accepted (one slice of 1,000 endpoints is about
   *     500 kB)
   * @param connectTimeout to connect, TLS included
   * @param requestTimeout for the response headers (of a watch as of a list; a watch's body is
   *     bounded by its {@code timeoutSeconds} and the loop's idle bound)
   */
  public record Limits(
      long maxResponseBytes, int maxEventBytes, Duration connectTimeout, Duration requestTimeout) {

    /** 64 MiB responses, 16 MiB events, 10 s to connect, 30 s to answer. */
    public static Limits defaults() {
      return new Limits(64L << 20, 16 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** These limits with other sizes. */
    public Limits withSizes(long maxResponseBytes, int maxEventBytes) {
      return new Limits(maxResponseBytes, maxEventBytes, connectTimeout, requestTimeout);
    }

    /**
     * The end of a message refusing what passed {@code limit}: what was expected and the builder
     * option that raises it.
     */
    static String raise(long limit, String option) {
      return "(expected: at most "
          + limit
          + "; raise ApiResolverProvider.Builder."
          + option
          + " for a Service this large)";
    }

    public Limits {
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException(
            "maxResponseBytes: " + maxResponseBytes + " (expected: > 0)");
      }
      if (maxEventBytes < 1) {
        throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
      }
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
    }
  }

  public ApiClient(ApiServerAccess access, Limits limits) {
    this.access = Objects.requireNonNull(access, "access");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.userAgent = "discovery/" + version();
    int id = CLIENTS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "discovery-k8s-api-" + id + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor = Executors.newCachedThreadPool(factory);
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(limits.connectTimeout())
            .executor(executor);
    if ("https".equalsIgnoreCase(access.server().getScheme())) {
      builder.sslContext(access.sslContext());
    }
    this.http = builder.build();
  }

  /** The {@code User-Agent} sent: {@code discovery/<version>}. */
  public String userAgent() {
    return userAgent;
  }

  @Override
  public CompletableFuture<Map<String, Object>> get(ApiRequest request) {
    Objects.requireNonNull(request, "request");
    BodyHandler<byte[]> body =
        info ->
            info.statusCode() == 200
                ? LimitedBody.failingOver(limits.maxResponseBytes(), () -> tooLarge(request))
                : LimitedBody.truncatingAt(ERROR_BODY_LIMIT);
    return CompletableFuture.supplyAsync(() -> httpRequest(request), executor)
        .thenCompose(r -> send(r, body))
        .handle(
            (response, thrown) -> {
              if (thrown != null) {
                throw ApiErrors.forThrowable(access, request, thrown).toException();
              }
              if (response.statusCode() != 200) {
                throw failureOf(request, response.statusCode(), response.headers(), response.body())
                    .toException();
              }
              return decode(request, response.body());
            });
  }

  @Override
  public WatchStream watch(ApiRequest request, WatchHandler handler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    Call call = new Call(request, handler);
    call.start();
    return call;
  }

  /**
   * Aborts the exchanges still running (lists, watches, and watches not yet answered), then shuts
   * down the client's executor; requests still running fail. An exchange left running would keep
   * the JDK client, its selector thread and its connection for ever: with its executor stopped, the
   * client cannot finish it.
   */
  @Override
  public void close() {
    closed = true;
    exchanges.forEach(f -> f.cancel(true));
    executor.shutdownNow();
  }

  /**
   * Sends {@code request}, keeping its exchange until it completes so that {@link #close()} can
   * abort it (cancelling what {@code sendAsync} returned aborts the exchange and closes its
   * connection; a future derived from it would not).
   */
  private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, BodyHandler<T> body) {
    CompletableFuture<HttpResponse<T>> exchange = http.sendAsync(request, body);
    exchanges.add(exchange);
    exchange.whenComplete((response, thrown) -> exchanges.remove(exchange));
    if (closed) {
      exchange.cancel(true);
    }
    return exchange;
  }

  private HttpRequest httpRequest(ApiRequest request) {
    URI uri = access.server().resolve(request.pathAndQuery());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .GET()
            .timeout(limits.requestTimeout())
            .header("Accept", "application/json")
            .header("User-Agent", userAgent);
    Optional<String> authorization;
    try {
      authorization = access.authorization().get();
    } catch (RuntimeException e) {
      throw ApiFailure.of(
              ResolutionError.permissionDenied(
                  "cannot read "
                      + access.credentialDescription()
                      + " from "
                      + access.originDescription()
                      + ": "
                      + ApiErrors.oneLine(String.valueOf(e.getMessage()))))
          .toException();
    }
    if (authorization.isPresent()) {
      try {
        b.header("Authorization", authorization.get());
      } catch (IllegalArgumentException e) {
        // Never its message: the JDK quotes the header value, token included.
        throw ApiFailure.of(
                ResolutionError.misconfigured(
                    access.credentialDescription()
                        + " from "
                        + access.originDescription()
                        + " cannot be sent: it holds a character an HTTP header cannot carry"
                        + " (expected: a token of visible ASCII characters)"))
            .toException();
      }
    }
    return b.build();
  }

  private ApiFailure failureOf(
      ApiRequest request, int status, java.net.http.HttpHeaders headers, byte[] body) {
    return ApiErrors.forStatus(access, request, status, headers.firstValue("Retry-After"), body);
  }

  private ApiFailure tooLarge(ApiRequest request) {
    return ApiFailure.of(
        ResolutionError.invalidAnswer(
            "the Kubernetes API at "
                + access.server()
                + " answered "
                + request.describe()
                + " with more than "
                + limits.maxResponseBytes()
                + " bytes "
                + Limits.raise(limits.maxResponseBytes(), "maxResponseBytes")));
  }

  private Map<String, Object> decode(ApiRequest request, byte[] body) {
    try {
      Map<String, Object> map = JSON.std.mapFrom(body);
      if (map == null) {
        throw new IOException("null");
      }
      return map;
    } catch (IOException | RuntimeException e) {
      throw ApiFailure.of(
              ResolutionError.invalidAnswer(
                  "the Kubernetes API at "
                      + access.server()
                      + " answered "
                      + request.describe()
                      + " with malformed JSON ("
                      + ApiErrors.oneLine(String.valueOf(e.getMessage()))
                      + ") (expected: a JSON object)"))
          .toException();
    }
  }

  private static String version() {
    String v = ApiClient.class.getPackage().getImplementationVersion();
    if (v == null) {
      v =
          ApiClient.class.getModule().getDescriptor() == null
              ? null
              : ApiClient.class.getModule().getDescriptor().rawVersion().orElse(null);
    }
    return v == null ? "dev" : v;
  }

  /** One watch: its HTTP exchange, its line reader, and the guarantee of one end. */
  private final class Call implements WatchStream {
    private final ApiRequest request;
    private final WatchHandler handler;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile EventLines lines;
    private volatile CompletableFuture<?> exchange;
    private volatile CompletableFuture<?> sending; // what sendAsync returned, once it has

    Call(ApiRequest request, WatchHandler handler) {
      this.request = request;
      this.handler = handler;
    }

    void start() {
      BodyHandler<Void> body = this::subscriberFor;
      CompletableFuture<HttpResponse<Void>> sent =
          CompletableFuture.supplyAsync(() -> httpRequest(request), executor)
              .thenCompose(
                  r -> {
                    CompletableFuture<HttpResponse<Void>> f = send(r, body);
                    sending = f;
                    if (over.get()) {
                      f.cancel(true); // cancelled while the request was being made
                    }
                    return f;
                  });
      exchange = sent;
      sent.whenComplete(
          (response, thrown) -> {
            if (thrown != null) {
              end(Optional.of(ApiErrors.forThrowable(access, request, thrown)));
            } else if (response.statusCode() == 200) {
              end(Optional.empty());
            }
            // other statuses ended in their body subscriber, with the Status read
          });
    }

    private HttpResponse.BodySubscriber<Void> subscriberFor(ResponseInfo info) {
      if (info.statusCode() != 200) {
        return BodySubscribers.mapping(
            LimitedBody.truncatingAt(ERROR_BODY_LIMIT),
            bytes -> {
              end(Optional.of(failureOf(request, info.statusCode(), info.headers(), bytes)));
              return null;
            });
      }
      EventLines reader =
          new EventLines(
              limits.maxEventBytes(),
              () -> {
                if (!over.get()) {
                  handler.onData();
                }
              },
              event -> {
                if ("ERROR".equals(event.get("type"))) {
                  // The error first: stopping completes the body, and with it the exchange, which
                  // would otherwise end the watch as if cleanly (a resume where 410 asks a relist).
                  end(Optional.of(ApiErrors.forErrorEvent(access, request, event.get("object"))));
                  lines.stop();
                } else if (!over.get()) {
                  handler.onEvent(event);
                }
              },
              (reason, expected) ->
                  ApiFailure.of(
                      ResolutionError.invalidAnswer(
                          "the Kubernetes API at "
                              + access.server()
                              + " sent "
                              + reason
                              + " on "
                              + request.describe()
                              + " "
                              + expected)),
              failure -> end(Optional.of(failure)));
      lines = reader;
      if (!over.get()) {
        handler.onOpen();
      } else {
        reader.stop();
      }
      return reader;
    }

    private void end(Optional<ApiFailure> failure) {
      if (over.compareAndSet(false, true)) {
        handler.onEnd(failure);
      }
    }

    @Override
    public void cancel() {
      if (over.getAndSet(true)) {
        return;
      }
      EventLines reader = lines;
      if (reader != null) {
        reader.stop();
      }
      CompletableFuture<?> f = exchange;
      if (f != null) {
        f.cancel(true);
      }
      // Not yet answered: only the exchange's own future aborts it.
      CompletableFuture<?> s = sending;
      if (s != null) {
        s.cancel(true);
      }
    }
  }
}
