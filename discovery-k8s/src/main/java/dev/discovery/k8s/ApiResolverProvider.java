package dev.discovery.k8s;

import dev.discovery.api.Target;
import dev.discovery.k8s.internal.KubernetesTargetParser;
import dev.discovery.k8s.internal.ServiceTargets;
import dev.discovery.k8s.internal.api.ApiClient;
import dev.discovery.k8s.internal.api.ApiConnection;
import dev.discovery.k8s.internal.api.ApiSource;
import dev.discovery.k8s.internal.api.ResourceWatch;
import dev.discovery.spi.Backoff;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The {@code k8s+api} source: a Kubernetes Service as a live endpoint list from the API server,
 * read as kube-proxy reads it: the Service and its {@code discovery.k8s.io/v1} EndpointSlices.
 *
 * <ul>
 *   <li>Watching: per (namespace, Service), whatever the ports and access modes asking, one watch
 *       of the Service and one of its slices, listed then watched with bookmarks, resumed from the
 *       last resourceVersion, listed again after 410; a dropped or stalled stream reconnects with
 *       {@link Builder#backoff backoff} while the last good list stays. The Nodes are watched, once
 *       for the whole cluster, only while some target uses the {@code nodePort} mode.
 *   <li>Endpoints: merged across all the Service's slices, with ready / serving / terminating,
 *       hostname, node, zone and hints; a port name selects each slice's port of that name, a port
 *       number is the Service's port translated through its name to the target port.
 *   <li>Kinds: ClusterIP and headless give one endpoint per pod; ExternalName hands over to the
 *       {@code k8s+dns} source and says so in the snapshot's source; a missing Service is NOT_FOUND
 *       (and seen when created); a Service deleted while watched becomes an empty snapshot.
 *   <li>Access modes ({@link AccessMode}): {@code pods} (default), {@code nodePort}, {@code
 *       loadBalancer}; set here or in the target ({@code ?access=nodePort}), the target's winning.
 * </ul>
 *
 * <p>Connecting: the no-argument constructor (what {@link java.util.ServiceLoader} makes) reads the
 * environment when the first target is resolved, on the blocking executor: in a pod its service
 * account, else the kubeconfig files of {@code KUBECONFIG}, else {@code ~/.kube/config}. What is
 * wrong with them is reported as a MISCONFIGURED result, never thrown. A builder with {@link
 * Builder#server} or {@link Builder#kubeconfig} connects in {@link Builder#build()} instead and
 * throws there. TLS is always verified unless {@link Builder#allowInsecure} allows a kubeconfig's
 * {@code insecure-skip-tls-verify}.
 *
 * <p>Register a configured one with {@code Discovery.builder().provider(ApiResolverProvider
 * .builder()...build())}. Thread-safe. The watches of one provider and one {@code Discovery} share
 * one HTTP client, closed with the last watch.
 *
 * @since 0.1
 */
public final class ApiResolverProvider implements ResolverProvider {
  private final ApiSource source;

  /** The provider configured from the environment when first used (for ServiceLoader). */
  public ApiResolverProvider() {
    this(new Builder());
  }

  private ApiResolverProvider(Builder b) {
    ApiSource.Connector connector;
    if (b.eager) {
      ApiConnection connection = b.connection().build();
      connector = context -> connection;
    } else {
      List<Consumer<ApiConnection.Builder>> steps = List.copyOf(b.steps);
      connector =
          context -> {
            ApiConnection.Builder c =
                ApiConnection.builder().environment(context.environment()).clock(context.clock());
            steps.forEach(s -> s.accept(c));
            return c.load();
          };
    }
    this.source =
        new ApiSource(
            new ApiSource.Settings(
                connector,
                b.accessMode,
                new ResourceWatch.Options(b.backoff, b.idleTimeout, b.streamingList),
                b.random,
                b.limits));
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String scheme() {
    return KubernetesTarget.K8S_API;
  }

  /** Parses the {@link KubernetesTarget} grammar. */
  @Override
  public Target parse(String target) {
    return KubernetesTarget.parse(target);
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    return ServiceTargets.resolver(target, t -> source.newResolver(t, context));
  }

  /** How many shared watch groups (one per {@code Discovery} using it) are open; for tests. */
  int openWatchGroups() {
    return source.openHubs();
  }

  @Override
  public String toString() {
    return "ApiResolverProvider" + source;
  }

  /**
   * Builds an {@link ApiResolverProvider}. Connection settings are those of a kubeconfig: with
   * {@link #server} everything comes from here; else from {@link #kubeconfig} (or the environment),
   * with the credentials, CA and namespace set here replacing the loaded ones.
   */
  public static final class Builder {
    private final List<Consumer<ApiConnection.Builder>> steps = new ArrayList<>();
    private boolean eager;
    private AccessMode accessMode = AccessMode.PODS;
    private Backoff backoff = Backoff.defaults();
    private RandomGenerator random = new Random();
    private Duration idleTimeout = ResourceWatch.Options.defaults().idleBound();
    private boolean streamingList = true;
    private ApiClient.Limits limits = ApiClient.Limits.defaults();

    private Builder() {}

    private Builder step(Consumer<ApiConnection.Builder> step) {
      steps.add(step);
      return this;
    }

    private ApiConnection.Builder connection() {
      ApiConnection.Builder c = ApiConnection.builder();
      steps.forEach(s -> s.accept(c));
      return c;
    }

    /**
     * The kubeconfig files, merged as kubectl merges {@code KUBECONFIG} (default: {@code
     * KUBECONFIG}, else {@code ~/.kube/config}). Read in {@link #build()}.
     */
    public Builder kubeconfig(Path... files) {
      List<Path> list = List.of(files); // null-hostile
      eager = true;
      return step(c -> c.kubeconfig(list.toArray(Path[]::new)));
    }

    /** The kubeconfig context to use (default: its {@code current-context}). */
    public Builder context(String context) {
      Objects.requireNonNull(context, "context");
      return step(c -> c.context(context));
    }

    /**
     * The API server, such as {@code https://127.0.0.1:6443}: everything else then comes from this
     * builder. Connected in {@link #build()}.
     */
    public Builder server(URI server) {
      Objects.requireNonNull(server, "server");
      eager = true;
      return step(c -> c.server(server));
    }

    /** A PEM file of the CA to verify the server with. */
    public Builder caFile(Path file) {
      Objects.requireNonNull(file, "file");
      return step(c -> c.caFile(file));
    }

    /** The CA to verify the server with, as PEM text. */
    public Builder caPem(String pem) {
      Objects.requireNonNull(pem, "pem");
      return step(c -> c.caPem(pem));
    }

    /** A bearer token. Never logged or shown. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      return step(c -> c.token(token));
    }

    /**
     * A file holding the bearer token, read again every minute and after the server refuses it
     * (401), as a projected service-account token rotates.
     */
    public Builder tokenFile(Path file) {
      Objects.requireNonNull(file, "file");
      return step(c -> c.tokenFile(file));
    }

    /** A client certificate and its key (PEM; PKCS#8, PKCS#1 or SEC1) as files. */
    public Builder clientCertificate(Path certificate, Path key) {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
      return step(c -> c.clientCertificate(certificate, key));
    }

    /**
     * The namespace for targets that name none (default: the kubeconfig context's, or the pod's,
     * else {@code default}).
     */
    public Builder namespace(String namespace) {
      KubernetesTargetParser.requireNamespace(namespace);
      return step(c -> c.namespace(namespace));
    }

    /**
     * How to reach the pods for targets that name no {@code ?access=} (default {@link
     * AccessMode#PODS}).
     */
    public Builder accessMode(AccessMode mode) {
      this.accessMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Accept a kubeconfig's {@code insecure-skip-tls-verify: true} (default false: refused). The
     * server is then not verified, and every connection logs a warning.
     */
    public Builder allowInsecure(boolean allow) {
      return step(c -> c.allowInsecure(allow));
    }

    /**
     * How to wait after failures (default {@link Backoff#defaults()}: 1 s doubling to 30 s, +/-50
     * %).
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * The random source of watch timeouts and backoff jitter (default a new {@link Random}); seed
     * it in tests.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * How long a watch may receive nothing, not even a bookmark, before it counts as stalled and is
     * replaced (default 90 s: API servers send a bookmark about every minute).
     */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout: " + timeout + " (expected: > 0)");
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Whether to try the streaming list ({@code sendInitialEvents}) before a plain list (default
     * true; a server without it is detected and listed).
     */
    public Builder streamingList(boolean streamingList) {
      this.streamingList = streamingList;
      return this;
    }

    /**
     * The largest list the API server may answer, in bytes (default 64 MiB, 67,108,864); a larger
     * one is refused as an INVALID_ANSWER naming this option, and the last good list stays. A list
     * is read into memory whole, so this bounds the memory a list takes. A 10,000-endpoint Service
     * (100 slices) lists as about 5 MB of JSON, well within the default: raise it only for a
     * Service that many times larger.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder maxResponseBytes(long bytes) {
      this.limits = limits.withSizes(bytes, limits.maxEventBytes()); // validated there
      return this;
    }

    /**
     * The longest watch event line the API server may send, in bytes (default 16 MiB, 16,777,216);
     * a longer one ends the watch as an INVALID_ANSWER naming this option, the last good list stays
     * and the watch resumes. One event is one EndpointSlice (at most 1,000 endpoints, about 500
     * kB), so the default covers a 10,000-endpoint Service many times over; at most one line is
     * held in memory per watch.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder maxEventBytes(int bytes) {
      this.limits = limits.withSizes(limits.maxResponseBytes(), bytes); // validated there
      return this;
    }

    /**
     * The provider. With {@link #server} or {@link #kubeconfig} it connects now (files read, no
     * request sent); otherwise it reads the environment when first used.
     *
     * @throws IllegalArgumentException naming the setting that is wrong and what was expected
     */
    public ApiResolverProvider build() {
      return new ApiResolverProvider(this);
    }
  }
}
