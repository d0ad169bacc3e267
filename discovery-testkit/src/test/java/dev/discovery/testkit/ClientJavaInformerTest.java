package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.util.Config;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Kubernetes Java client, with nothing of ours between it and the server, runs a
 * shared informer on one Service's EndpointSlices while the cluster changes: its cache follows the
 * cluster after every step, it lists once and then resumes its watch, and relists after each 410.
 */
class ClientJavaInformerTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  private final FakeCluster cluster = FakeCluster.create();
  private FakeApiServer server;
  private SharedInformerFactory factory;
  private SharedIndexInformer<V1EndpointSlice> informer;

  @BeforeEach
  void start() throws Exception {
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, 8080).build());
    cluster.apply(
        Service.clusterIp("shop", "other").selector("app", "other").port("http", 80).build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build(), 3);
    cluster.scale(
        Pod.builder("shop", "other").label("app", "other").containerPort("http", 80).build(), 1);
    server = FakeApiServer.start(cluster);
    ApiClient client = Config.fromConfig(server.kubeconfig().toString());
    client.setReadTimeout(0); // a watch waits for events
    DiscoveryV1Api api = new DiscoveryV1Api(client);
    factory = new SharedInformerFactory(client);
    informer =
        factory.sharedIndexInformerFor(
            params ->
                api.listNamespacedEndpointSlice("shop")
                    .labelSelector(EndpointSlice.SERVICE_NAME_LABEL + "=web")
                    .resourceVersion(params.resourceVersion)
                    .timeoutSeconds(params.timeoutSeconds)
                    .watch(params.watch)
                    // No bookmarks: client-java 24 rejects an EndpointSlice bookmark as the API
                    // server
                    // writes it ("endpoints": null, the Go zero value), and relists. Known
                    // generated-client
                    // defect; docs/testing.md says so.
                    .buildCall(null),
            V1EndpointSlice.class,
            V1EndpointSliceList.class);
    factory.startAllRegisteredInformers();
    await().atMost(BOUND).until(informer::hasSynced);
  }

  @AfterEach
  void stop() {
    factory.stopAllRegisteredInformers();
    server.close();
  }

  @Test
  void theCacheFollowsTheCluster_throughScaleUnreadyTerminatingRelabelAndDelete() {
    awaitCacheEqualsCluster();
    assertThat(cache()).isNotEmpty();

    cluster.scale("shop", "web", 5);
    awaitCacheEqualsCluster();
    cluster.setReady("shop", "web-1", false);
    awaitCacheEqualsCluster();
    cluster.startTerminating("shop", "web-2");
    awaitCacheEqualsCluster();
    cluster.relabel("shop", "web-3", Map.of("app", "moved"));
    awaitCacheEqualsCluster();
    cluster.deletePod("shop", "web-4");
    awaitCacheEqualsCluster();
    cluster.scale("shop", "web", 120); // a second slice appears (100 endpoints per slice)
    awaitCacheEqualsCluster();
    assertThat(cache()).hasSize(2);
    cluster.deleteService("shop", "web");
    await().atMost(BOUND).untilAsserted(() -> assertThat(cache()).isEmpty());

    // One list, then only watches; a change of another Service never reached this informer.
    assertThat(server.requests().count("list", "endpointslices")).isEqualTo(1);
    assertThat(server.requests().matching(r -> r.verb().equals("watch"))).isNotEmpty();
    assertThat(server.requests().all())
        .allSatisfy(
            r ->
                assertThat(r.query())
                    .containsEntry("labelSelector", "kubernetes.io/service-name=web"));
  }

  @Test
  void aDroppedWatch_isResumedFromTheLastVersion_withoutARelist() {
    long watchesBefore = server.requests().count("watch", "endpointslices");

    server.faults().dropWatches();
    cluster.scale("shop", "web", 4);

    awaitCacheEqualsCluster();
    await()
        .atMost(BOUND)
        .until(() -> server.requests().count("watch", "endpointslices") > watchesBefore);
    assertThat(server.requests().matching(ApiRequest::resumed)).isNotEmpty();
    assertThat(server.requests().count("list", "endpointslices")).isEqualTo(1);
  }

  @Test
  void expiredHistory_asAnHttpStatus_makesTheInformerRelist_andCatchUp() {
    server.faults().stallWatches(); // the informer misses the next change...
    cluster.scale("shop", "web", 6);
    server.faults().expiredAs(ExpiredStyle.HTTP_STATUS).expireHistory(); // ...which is forgotten
    server.faults().dropWatches().releaseWatches(); // it resumes from a forgotten version: 410

    awaitLists(2);
    awaitCacheEqualsCluster();
    assertThat(server.requests().matching(r -> r.verb().equals("watch") && r.status() == 410))
        .isNotEmpty();
  }

  @Test
  void expiredHistory_asAnErrorEventInTheStream_makesTheInformerRelist_andCatchUp() {
    // A synced informer has listed; its watch may still be on its way to the server.
    await().atMost(BOUND).until(() -> server.openWatches() == 1);
    server.faults().expiredAs(ExpiredStyle.IN_STREAM);
    server.faults().expireOpenWatches();
    cluster.scale("shop", "web", 2);

    awaitLists(2);
    awaitCacheEqualsCluster();
  }

  /** name -> pod addresses with their ready flag, as the informer's cache holds them. */
  private Map<String, TreeSet<String>> cache() {
    return informer.getIndexer().list().stream()
        .collect(
            Collectors.toMap(
                s -> s.getMetadata().getName(),
                s ->
                    s.getEndpoints() == null
                        ? new TreeSet<>()
                        : s.getEndpoints().stream()
                            .map(ClientJavaInformerTest::describe)
                            .collect(Collectors.toCollection(TreeSet::new)),
                (a, b) -> a,
                TreeMap::new));
  }

  private static String describe(V1Endpoint e) {
    return e.getAddresses().get(0)
        + " ready="
        + e.getConditions().getReady()
        + " terminating="
        + e.getConditions().getTerminating();
  }

  /** The same view of the cluster's own slices of shop/web. */
  private Map<String, TreeSet<String>> truth() {
    return cluster.endpointSlices("shop", "web").stream()
        .collect(
            Collectors.toMap(
                EndpointSlice::name,
                s ->
                    s.endpoints().stream()
                        .map(
                            e ->
                                e.address().getHostAddress()
                                    + " ready="
                                    + e.ready()
                                    + " terminating="
                                    + e.terminating())
                        .collect(Collectors.toCollection(TreeSet::new)),
                (a, b) -> a,
                TreeMap::new));
  }

  private void awaitLists(long lists) {
    await()
        .atMost(BOUND)
        .untilAsserted(
            () ->
                assertThat(server.requests().count("list", "endpointslices"))
                    .as("lists in %s", server.requests())
                    .isEqualTo(lists));
  }

  private void awaitCacheEqualsCluster() {
    await().atMost(BOUND).untilAsserted(() -> assertThat(cache()).isEqualTo(truth()));
  }
}
