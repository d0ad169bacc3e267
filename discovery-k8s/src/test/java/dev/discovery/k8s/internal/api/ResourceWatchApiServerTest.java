package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.ResolutionError;
import dev.discovery.spi.Backoff;
import dev.discovery.testkit.ExpiredStyle;
import dev.discovery.testkit.FakeApiServer;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop and the client together against the testkit's fake API server over verified TLS: real
 * threads, real streams, the server's own request log to count lists.
 */
class ResourceWatchApiServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();
  private static final ResourceWatch.Options LIST_WATCH =
      new ResourceWatch.Options(
          new Backoff(Duration.ofMillis(50), 2.0, 0.5, Duration.ofMillis(500)),
          Duration.ofSeconds(2),
          false);

  private final FakeCluster cluster = FakeCluster.create();
  private FakeApiServer api;
  private ApiClient client;
  private final ExecutorService context = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final List<SortedMap<String, String>> snapshots = new CopyOnWriteArrayList<>();
  private final List<ResolutionError> errors = new CopyOnWriteArrayList<>();
  private ResourceWatch<String> watch;

  @BeforeEach
  void start() throws Exception {
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    cluster.scale(WEB, 1);
    api = FakeApiServer.builder(cluster).bookmarkInterval(Duration.ofMillis(300)).start();
    client = new ApiClient(access(api), ApiClient.Limits.defaults());
  }

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.close();
    }
    client.close();
    api.close();
    timers.shutdownNow();
    context.shutdownNow();
  }

  private void watch(ResourceWatch.Options options) {
    watch =
        new ResourceWatch<>(
            client,
            ResourceQuery.endpointSlices("shop", "web"),
            // The fake server of this branch writes objects' metadata only: a slice is its version.
            slice -> (String) ((Map<?, ?>) slice.get("metadata")).get("resourceVersion"),
            new ResourceWatch.Listener<>() {
              @Override
              public void onSnapshot(SortedMap<String, String> current, String resourceVersion) {
                snapshots.add(current);
              }

              @Override
              public void onError(ResolutionError error, boolean stillServingLastGood) {
                errors.add(error);
              }
            },
            new ResourceWatch.Runtime(context, timers, Clock.systemUTC(), new Random(17)),
            options);
    watch.start();
  }

  /** Waits until the last snapshot holds a slice changed by the cluster's latest change. */
  private void awaitLatest() {
    String latest = Long.toString(cluster.resourceVersion());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(snapshots)
                    .as("snapshots; errors: %s; requests: %s", errors, api.requests())
                    .isNotEmpty()
                    .last()
                    .satisfies(last -> assertThat(last.values()).contains(latest)));
  }

  @Test
  void listThenWatch_seesAScaleUp() {
    watch(LIST_WATCH);
    await().atMost(WAIT).until(() -> !snapshots.isEmpty());

    cluster.scale(WEB, 3);

    awaitLatest();
    assertThat(api.requests().count("list", "endpointslices")).isEqualTo(1);
  }

  @Test
  void droppedStreams_resumeWithoutAList() {
    watch(LIST_WATCH);
    await().atMost(WAIT).until(() -> api.requests().count("watch", "endpointslices") == 1);

    api.faults().dropWatches();
    cluster.scale(WEB, 2);

    awaitLatest();
    assertThat(api.requests().count("list", "endpointslices")).isEqualTo(1);
    assertThat(api.requests().count("watch", "endpointslices")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void expiredInTheStream_listsAgainExactlyOnce() {
    watch(LIST_WATCH);
    await().atMost(WAIT).until(() -> api.requests().count("watch", "endpointslices") == 1);

    api.faults().expiredAs(ExpiredStyle.IN_STREAM).expireOpenWatches();
    cluster.scale(WEB, 2);

    awaitLatest();
    assertThat(api.requests().count("list", "endpointslices")).isEqualTo(2);
    assertThat(errors).isEmpty();
  }

  @Test
  void stalledStream_isDetectedAndReplaced() {
    watch(LIST_WATCH);
    await().atMost(WAIT).until(() -> !snapshots.isEmpty());

    api.faults().stallWatches();

    await().atMost(WAIT).until(() -> !errors.isEmpty());
    assertThat(errors.get(0).message()).contains("stalled");
    api.faults().releaseWatches();
    cluster.scale(WEB, 2);
    awaitLatest();
    assertThat(api.requests().count("list", "endpointslices")).isEqualTo(1);
  }

  @Test
  void streamingList_needsNoListAtAll() {
    watch(new ResourceWatch.Options(LIST_WATCH.backoff(), LIST_WATCH.idleBound(), true));
    await().atMost(WAIT).until(() -> !snapshots.isEmpty());

    cluster.scale(WEB, 2);

    awaitLatest();
    assertThat(api.requests().count("list", "endpointslices")).isZero();
  }

  private static ApiServerAccess access(FakeApiServer api) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(
                    api.caCertificatePem().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    String token = api.token();
    return new ApiServerAccess() {
      @Override
      public URI server() {
        return api.url();
      }

      @Override
      public SSLContext sslContext() {
        return ssl;
      }

      @Override
      public Supplier<Optional<String>> authorization() {
        return () -> Optional.of("Bearer " + token);
      }

      @Override
      public String credentialDescription() {
        return "the fake server's token";
      }

      @Override
      public String originDescription() {
        return "the test";
      }

      @Override
      public String caDescription() {
        return "the fake server's CA";
      }
    };
  }
}
