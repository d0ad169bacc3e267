package dev.discovery.testkit;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.discovery.testkit.internal.ApiAuthenticator;
import dev.discovery.testkit.internal.ApiFaultState;
import dev.discovery.testkit.internal.ApiHandler;
import dev.discovery.testkit.internal.ApiTls;
import dev.discovery.testkit.internal.Kubeconfig;
import dev.discovery.testkit.internal.WatchCache;
import dev.discovery.testkit.internal.WatchStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;

/**
 * A fake Kubernetes API server on loopback serving a {@link FakeCluster} over the Kubernetes REST
 * protocol, so that real Kubernetes clients (client-java, kubectl, the API source) can be tested
 * against it. HTTPS with a certificate authority made at start, or plain HTTP on request.
 *
 * <pre>{@code
 * try (FakeApiServer api = FakeApiServer.start(cluster)) {
 *   URI url = api.url();                 // https://127.0.0.1:<port>
 *   String ca = api.caCertificatePem();  // trust this
 *   String token = api.token();          // send "Authorization: Bearer <token>"
 *   Path kubeconfig = api.kubeconfig();  // or hand this to kubectl or a client
 *   api.faults().expireHistory();        // the next watch from an old version gets 410
 *   long lists = api.requests().count("list", "endpointslices");
 * }
 * }</pre>
 *
 * <h2>What it serves</h2>
 *
 * <ul>
 *   <li>Discovery: {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code
 *       /apis/discovery.k8s.io}, {@code /apis/discovery.k8s.io/v1}, with short names ({@code ns},
 *       {@code no}, {@code po}, {@code svc}) as kubectl uses them.
 *   <li>{@code get}, {@code list} and {@code watch} of {@code namespaces}, {@code nodes}, {@code
 *       pods}, {@code services} ({@code v1}) and {@code endpointslices} ({@code
 *       discovery.k8s.io/v1}), per namespace and across namespaces; {@code labelSelector} ({@code
 *       =}, {@code ==}, {@code !=}, {@code in}, {@code notin}, {@code key}, {@code !key}) and
 *       {@code fieldSelector} ({@code metadata.name}, {@code metadata.namespace}). Other methods
 *       get 405.
 *   <li>Resource versions: the cluster's one counter. A list carries the version it reflects; every
 *       change of the cluster becomes ADDED, MODIFIED or DELETED events under its version (an
 *       object that starts or stops matching a watch's selectors is ADDED or DELETED for it, as in
 *       Kubernetes). A watch without a version or from {@code 0} starts with ADDED events for the
 *       current objects; from a version it replays the changes after it from a history of the last
 *       {@link Builder#historyWindow} changes, or answers 410 Expired when the version is older (an
 *       ERROR event in a 200 stream as Kubernetes' watch cache answers, or an HTTP 410: {@link
 *       ApiFaults#expiredAs}). {@code allowWatchBookmarks} gives BOOKMARK events every {@link
 *       Builder#bookmarkInterval}; {@code timeoutSeconds} ends the stream cleanly; {@code
 *       sendInitialEvents=true} (with {@code resourceVersionMatch=NotOlderThan} and bookmarks, else
 *       422 Invalid as in Kubernetes) sends the current objects, then a bookmark annotated {@code
 *       k8s.io/initial-events-end: "true"}. A list with {@code resourceVersionMatch=Exact} for an
 *       older version than the current one gets 410 Expired: the fake keeps no past states. Lists
 *       ignore {@code limit} and return everything without {@code continue}, as a server serving
 *       from its watch cache may.
 *   <li>Errors are {@code Status} objects with the real server's reasons and messages: 401
 *       Unauthorized, 403 Forbidden, 404 NotFound, 400 BadRequest (a bad selector), 410 Expired,
 *       422 Invalid, 429 TooManyRequests with {@code Retry-After}, 500 InternalError.
 * </ul>
 *
 * <h2>Who may ask</h2>
 *
 * A request authenticates with the bearer {@link #token()} or with a client certificate the
 * server's CA signed ({@link #issueClientCertificate}; its CN is the user). A wrong token gets 401;
 * no credentials at all make the request {@code system:anonymous}, which may read {@code /version}
 * only (403 elsewhere, as in Kubernetes). Every authenticated user may get, list and watch
 * everything unless {@link ApiFaults#forbid} says otherwise.
 *
 * <h2>Threads</h2>
 *
 * Each request runs on a thread of its own from an unbounded pool (watches hold theirs while open,
 * so 2,000 open watch streams are 2,000 server threads, plus the JDK server's dispatcher and
 * timer); idle threads end after a minute. Connections wait to be accepted in a queue of {@link
 * Builder#backlog} (default {@value #DEFAULT_BACKLOG}), so a client opening a thousand watches at
 * once is not made to retry. The server follows the cluster through {@link FakeCluster#subscribe}.
 * {@link #close()} ends open watches and frees the port. Thread-safe.
 *
 * @since 0.1
 */
public final class FakeApiServer implements AutoCloseable {
  /** The default interval between bookmarks of watches that allow them. */
  public static final Duration DEFAULT_BOOKMARK_INTERVAL = Duration.ofMinutes(1);

  /** The default number of changes the watch history holds. */
  public static final int DEFAULT_HISTORY_WINDOW = 1000;

  /**
   * The default length of the queue of connections waiting to be accepted: 1024, not the JDK
   * server's 50, which thousands of watch streams opened at once overflow.
   */
  public static final int DEFAULT_BACKLOG = 1024;

  /** The user a bearer token authenticates as. */
  public static final String TOKEN_USER = ApiAuthenticator.TOKEN_USER;

  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final ApiTls tls;
  private final HttpServer server;
  private final ExecutorService executor;
  private final WatchCache cache;
  private final ApiAuthenticator authenticator;
  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
  private final ApiRequestLog requests = new ApiRequestLog();
  private final ApiFaults faults;
  private final URI url;
  private final Path kubeconfig;

  private FakeApiServer(Builder b) {
    this.tls = b.plainHttp ? null : ApiTls.generate();
    this.authenticator = new ApiAuthenticator(b.token, b.clock);
    this.cache = new WatchCache(b.cluster, b.historyWindow);
    ApiFaultState state = new ApiFaultState();
    this.faults = new ApiFaults(state, authenticator, cache, streams);
    int id = SERVERS.incrementAndGet();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-api-server-" + id);
              t.setDaemon(true);
              return t;
            });
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      if (tls == null) {
        server = HttpServer.create(address, b.backlog);
      } else {
        HttpsServer https = HttpsServer.create(address, b.backlog);
        https.setHttpsConfigurator(
            new HttpsConfigurator(tls.serverContext()) {
              @Override
              public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
              }
            });
        server = https;
      }
    } catch (IOException e) {
      cache.close();
      executor.shutdownNow();
      throw new UncheckedIOException("fake API server: cannot listen on loopback: " + e, e);
    }
    int port = server.getAddress().getPort();
    String host = server.getAddress().getAddress().getHostAddress();
    this.url = URI.create((tls == null ? "http" : "https") + "://" + host + ":" + port);
    server.createContext(
        "/",
        new ApiHandler(
            new ApiHandler.Context(
                cache,
                authenticator,
                state,
                streams,
                requests::add,
                b.bookmarkInterval,
                host + ":" + port,
                b.clock)));
    server.setExecutor(executor);
    server.start();
    this.kubeconfig =
        Kubeconfig.write(url, tls == null ? null : tls.caPem(), authenticator.token());
  }

  /** Starts a server for {@code cluster} with the defaults: HTTPS, a random token. */
  public static FakeApiServer start(FakeCluster cluster) {
    return builder(cluster).start();
  }

  /** A builder for a server of {@code cluster}. */
  public static Builder builder(FakeCluster cluster) {
    return new Builder(Objects.requireNonNull(cluster, "cluster"));
  }

  /** Where it listens: {@code https://127.0.0.1:<port>} (or {@code http://} for plain HTTP). */
  public URI url() {
    return url;
  }

  /** Whether it serves HTTPS (else plain HTTP). */
  public boolean tls() {
    return tls != null;
  }

  /**
   * The PEM of the certificate authority that signed the server's certificate (for {@code
   * 127.0.0.1}, {@code ::1} and {@code localhost}) and that client certificates must be signed by.
   *
   * @throws IllegalStateException for a plain HTTP server
   */
  public String caCertificatePem() {
    return requireTls().caPem();
  }

  /** The bearer token accepted now (it changes with {@link ApiFaults#rotateToken}). */
  public String token() {
    return authenticator.token();
  }

  /**
   * A kubeconfig file written at start: the server with its CA's data, a user with the token it had
   * then, one context (namespace {@code default}), current. Deleted when the JVM exits.
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Every request answered so far. */
  public ApiRequestLog requests() {
    return requests;
  }

  /**
   * How many watch streams are open now. A client's request is logged once its stream is open, but
   * a client that has listed may not have opened its watch yet: wait for this count before a fault
   * that acts on open streams only, such as {@link ApiFaults#expireOpenWatches()}.
   */
  public int openWatches() {
    return streams.size();
  }

  /** The faults to inject. */
  public ApiFaults faults() {
    return faults;
  }

  /**
   * A client certificate for {@code user} in {@code groups} signed by the server's CA, with an EC
   * key in PKCS#8.
   */
  public ClientCertificate issueClientCertificate(String user, String... groups) {
    return issueClientCertificate(ClientCertificate.KeyFormat.PKCS8_EC, user, groups);
  }

  /** A client certificate for {@code user} in {@code groups} with its key in {@code format}. */
  public ClientCertificate issueClientCertificate(
      ClientCertificate.KeyFormat format, String user, String... groups) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(user, "user");
    List<String> groupList = List.of(groups);
    ApiTls.Issued issued = requireTls().issue(user, groupList, format.rsa());
    String key =
        switch (format) {
          case PKCS8_EC, PKCS8_RSA -> ApiTls.pkcs8Pem(issued.keys().getPrivate());
          case PKCS1_RSA, SEC1_EC -> ApiTls.traditionalPem(issued.keys());
        };
    return new ClientCertificate(user, groupList, ApiTls.pem(issued.certificate()), key, format);
  }

  private ApiTls requireTls() {
    if (tls == null) {
      throw new IllegalStateException(
          "fake API server: plain HTTP has no certificates (expected: a server built without"
              + " plainHttp())");
    }
    return tls;
  }

  /** Ends open watches, stops listening and stops following the cluster. Idempotent. */
  @Override
  public void close() {
    cache.close();
    streams.forEach(WatchStream::drop);
    server.stop(0);
    executor.shutdownNow();
    try {
      Files.deleteIfExists(kubeconfig);
    } catch (IOException e) {
      // deleted on exit instead
    }
  }

  @Override
  public String toString() {
    return "FakeApiServer[" + url + "]";
  }

  /** Builds and starts a {@link FakeApiServer}. */
  public static final class Builder {
    private final FakeCluster cluster;
    private boolean plainHttp;
    private Duration bookmarkInterval = DEFAULT_BOOKMARK_INTERVAL;
    private int historyWindow = DEFAULT_HISTORY_WINDOW;
    private int backlog = DEFAULT_BACKLOG;
    private String token;
    private Clock clock = Clock.systemUTC();

    private Builder(FakeCluster cluster) {
      this.cluster = cluster;
    }

    /** Serves plain HTTP instead of HTTPS (no CA; tokens are still required). */
    public Builder plainHttp() {
      this.plainHttp = true;
      return this;
    }

    /** How often watches that allow bookmarks get one (default 1 minute; tests set it short). */
    public Builder bookmarkInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("bookmarkInterval: " + interval + " (expected: > 0)");
      }
      this.bookmarkInterval = interval;
      return this;
    }

    /** How many changes of objects the watch history holds (default 1000). */
    public Builder historyWindow(int changes) {
      if (changes < 1) {
        throw new IllegalArgumentException("historyWindow: " + changes + " (expected: >= 1)");
      }
      this.historyWindow = changes;
      return this;
    }

    /**
     * How many connections may wait to be accepted (default {@value
     * FakeApiServer#DEFAULT_BACKLOG}). A connection beyond them is not refused: its SYN goes
     * unanswered and the client's kernel sends it again after a second, then two, then four, which
     * a client with a connect timeout sees as a timeout. The operating system caps the queue: Linux
     * at {@code net.core.somaxconn} (4096 since Linux 5.4, 128 before).
     */
    public Builder backlog(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("backlog: " + connections + " (expected: >= 1)");
      }
      this.backlog = connections;
      return this;
    }

    /** The bearer token to accept (default: a random one). */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("token: blank (expected: a non-blank token)");
      }
      this.token = token;
      return this;
    }

    /**
     * The clock for token grace periods and the request log's times (default the system clock; a
     * {@code FakeClock} lets tests pass a rotation's grace without waiting).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Starts the server on a free loopback port. */
    public FakeApiServer start() {
      return new FakeApiServer(this);
    }
  }
}
