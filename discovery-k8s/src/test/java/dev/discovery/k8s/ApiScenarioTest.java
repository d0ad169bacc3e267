package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.ExpiredStyle;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code k8s+api} source end to end against the testkit's fake API server over verified TLS on
 * loopback, on real time and threads, configured from the server's kubeconfig: one scenario per
 * test, named as the scenario table.
 */
class ApiScenarioTest {
  private static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();

  private final ApiFixture f = new ApiFixture();

  /** A pod of app=web named {@code name}, with port http 8080. */
  private static Pod.Builder web(String name) {
    return Pod.builder("shop", name).label("app", "web").containerPort("http", 8080);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private void webService() {
    f.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
  }

  /** What the cluster's pods of app=web say, as endpoints on port 8080. */
  private Set<Endpoint> expectedWeb() {
    return f.podsAsEndpoints("web", 8080);
  }

  private static Set<Endpoint> plain(EndpointSet set) {
    return ApiFixture.plain(set);
  }

  private EndpointSet awaitWebAsCluster(ServiceWatch w) {
    return f.awaitSet(w, s -> ApiFixture.plain(s).equals(expectedWeb()));
  }

  private static Set<Integer> ports(EndpointSet set) {
    return set.endpoints().stream().map(Endpoint::port).collect(Collectors.toSet());
  }

  @Test
  void firstSnapshot_equalsTheCluster() {
    f.cluster.apply(
        Service.clusterIp("shop", "web")
            .selector("app", "web")
            .port("http", 80, "http")
            .trafficDistribution("PreferClose")
            .sessionAffinityClientIp()
            .build());
    f.cluster.apply(dev.discovery.testkit.Node.builder("node-a").zone("zone-a").build());
    f.cluster.apply(dev.discovery.testkit.Node.builder("node-b").zone("zone-b").build());
    f.cluster.apply(web("web-a").zone("zone-a").node("node-a").build());
    f.cluster.apply(web("web-b").zone("zone-b").node("node-b").build());
    f.cluster.apply(web("web-c").zone("zone-a").ready(false).build());
    f.cluster.apply(web("web-d").zone("zone-b").terminating(true).build());
    f.start();

    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    EndpointSet set = awaitWebAsCluster(w);

    assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
    assertThat(set.source().toString()).isEqualTo("api");
    assertThat(set.size()).isEqualTo(4);
    assertThat(set.attributes())
        .containsEntry(KubernetesAttributes.SESSION_AFFINITY, "ClientIP")
        .containsEntry(KubernetesAttributes.TRAFFIC_DISTRIBUTION, "PreferClose");
    Endpoint a = byPod(set, "web-a");
    assertThat(a.attributes()).containsEntry(KubernetesAttributes.HINTS_FOR_ZONES, "zone-a");
    assertThat(byPod(set, "web-c").ready()).isFalse();
    assertThat(byPod(set, "web-d").terminating()).isTrue();
  }

  private static Endpoint byPod(EndpointSet set, String pod) {
    return set.endpoints().stream()
        .filter(e -> pod.equals(e.attributes().get(KubernetesAttributes.POD)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no endpoint of pod " + pod + " in " + set));
  }

  @Test
  void churn_scaleUnreadyTerminatingRelabel_isFollowed() {
    webService();
    f.cluster.scale(WEB, 2);
    f.start();
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    awaitWebAsCluster(w);

    f.cluster.scale(WEB, 5);
    assertThat(awaitWebAsCluster(w).size()).isEqualTo(5);

    String first = f.cluster.pods("shop").get(0).name();
    f.cluster.setReady("shop", first, false);
    assertThat(awaitWebAsCluster(w).readyCount()).isEqualTo(4);

    String second = f.cluster.pods("shop").get(1).name();
    f.cluster.startTerminating("shop", second);
    assertThat(awaitWebAsCluster(w).endpoints()).anyMatch(Endpoint::terminating);

    String third = f.cluster.pods("shop").get(2).name();
    f.cluster.relabel("shop", third, Map.of("app", "other"));
    assertThat(awaitWebAsCluster(w).size()).isEqualTo(4);
  }

  @Test
  void threeHundredEndpoints_inThreeSlices_areOneSnapshot() {
    webService();
    f.cluster.scale(WEB, 300);
    assertThat(f.cluster.endpointSlices("shop", "web")).hasSize(3);
    f.start();

    EndpointSet set = awaitWebAsCluster(f.watch("k8s+api:///web.shop:http"));

    assertThat(set.size()).isEqualTo(300);
  }

  @Test
  void oneEndpointInTwoSlices_isOneEndpoint_andADeletedSliceTakesOnlyItsOwn() {
    f.cluster.apply(Service.clusterIp("shop", "db").port("sql", 5432).build());
    f.cluster.apply(
        EndpointSlice.builder("shop", "db-a", "db")
            .endpoint(
                EndpointSlice.Endpoint.builder("127.0.5.1").conditions(true, true, false).build())
            .endpoint(EndpointSlice.Endpoint.of("127.0.5.2"))
            .port("sql", 5432)
            .build());
    f.cluster.apply(
        EndpointSlice.builder("shop", "db-b", "db")
            .endpoint(
                EndpointSlice.Endpoint.builder("127.0.5.2").conditions(false, true, false).build())
            .endpoint(EndpointSlice.Endpoint.of("127.0.5.3"))
            .port("sql", 5432)
            .build());
    f.start();
    ServiceWatch w = f.watch("k8s+api:///db.shop:sql");

    EndpointSet set = f.awaitSet(w, s -> s.size() == 3);
    assertThat(set.endpoints()).allMatch(Endpoint::ready);

    f.cluster.deleteEndpointSlice("shop", "db-a");

    set = f.awaitSet(w, s -> s.size() == 2);
    assertThat(set.endpoints())
        .extracting(e -> e.ip().getHostAddress())
        .containsExactly("127.0.5.2", "127.0.5.3");
    assertThat(set.endpoints().get(0).ready()).as("db-b says 127.0.5.2 is not ready").isFalse();
  }

  @Test
  void serviceWithoutSelector_withHandMadeSlices_works() {
    f.cluster.apply(Service.headless("shop", "legacy").port("http", 8080).build());
    f.cluster.apply(
        EndpointSlice.builder("shop", "legacy-1", "legacy")
            .endpoint(EndpointSlice.Endpoint.of("127.0.6.1"))
            .endpoint(EndpointSlice.Endpoint.of("127.0.6.2"))
            .port("http", 8080)
            .build());
    f.start();

    EndpointSet set = f.awaitSet(f.watch("k8s+api:///legacy.shop:http"), s -> s.size() == 2);

    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
  }

  /** web with one pod, watched, once its slice watch is open. */
  private ServiceWatch watchOnePodWithItsWatchOpen() {
    webService();
    f.cluster.scale(WEB, 1);
    f.start();
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    awaitWebAsCluster(w);
    await().atMost(ApiFixture.WAIT).until(() -> f.count("watch", "endpointslices") == 1);
    return w;
  }

  @Test
  void expired_asStatus_listsAgainOnce() {
    ServiceWatch w = watchOnePodWithItsWatchOpen();

    // The stream misses the scale-up, and the history that would replay it is gone: the resumed
    // watch hears 410 as its HTTP status.
    f.api.faults().expiredAs(ExpiredStyle.HTTP_STATUS).stallWatches();
    f.cluster.scale(WEB, 2);
    f.api.faults().expireHistory().dropWatches().releaseWatches();

    awaitWebAsCluster(w);
    assertThat(f.count("list", "endpointslices")).isEqualTo(2);
  }

  @Test
  void expired_inTheStream_listsAgainOnce() {
    ServiceWatch w = watchOnePodWithItsWatchOpen();

    f.api.faults().expiredAs(ExpiredStyle.IN_STREAM).expireOpenWatches();
    f.cluster.scale(WEB, 2);

    awaitWebAsCluster(w);
    assertThat(f.count("list", "endpointslices")).isEqualTo(2);
  }

  @Test
  void droppedStream_isResumed_withoutAList() {
    ServiceWatch w = watchOnePodWithItsWatchOpen();

    f.api.faults().dropWatches();
    f.cluster.scale(WEB, 3);

    assertThat(awaitWebAsCluster(w).size()).isEqualTo(3);
    assertThat(f.count("list", "endpointslices")).isEqualTo(1);
    assertThat(f.count("list", "services")).isEqualTo(1);
    assertThat(f.count("watch", "endpointslices")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void refusedSliceWatch_aServiceChangeIsNoRecovery_andTheErrorStays() {
    ServiceWatch w = watchOnePodWithItsWatchOpen();
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    w.subscribe(events::add);
    f.api.faults().forbid("list", "endpointslices").forbid("watch", "endpointslices");
    f.api.faults().dropWatches();
    f.awaitError(w, e -> e.kind() == ResolutionError.Kind.PERMISSION_DENIED);

    // The Service's own port changes (its endpoints do not), then its type (they do: the kind).
    f.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 81, "http").build());
    f.cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("http", 81, "http").build());
    f.awaitSet(w, s -> s.kind() == ServiceKind.HEADLESS);

    ResolutionError error =
        f.awaitError(w, e -> e.kind() == ResolutionError.Kind.PERMISSION_DENIED);
    assertThat(error.message()).contains("endpointslices");
    assertThat(events)
        .as("the Service watch works, the EndpointSlice watch is still refused")
        .noneMatch(e -> e instanceof WatchEvent.Recovered);
  }

  @Test
  void stalledStream_isDetected_andReplaced() {
    webService();
    f.cluster.scale(WEB, 1);
    f.start(f.provider().idleTimeout(java.time.Duration.ofMillis(1500)).build());
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");
    awaitWebAsCluster(w);

    f.api.faults().stallWatches();

    ResolutionError stalled = f.awaitError(w, e -> e.message().contains("stalled"));
    assertThat(w.current()).as("the last good list stays").isPresent();
    f.api.faults().releaseWatches();
    f.cluster.scale(WEB, 2);
    assertThat(awaitWebAsCluster(w).size()).isEqualTo(2);
    assertThat(stalled.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
  }

  @Test
  void twoWatchesOfOneService_withDifferentPorts_shareOneSliceWatch() {
    f.cluster.apply(
        Service.clusterIp("shop", "web")
            .selector("app", "web")
            .port("http", 80, "http")
            .port("admin", 9090, "admin")
            .build());
    f.cluster.scale(
        Pod.builder("shop", "web")
            .label("app", "web")
            .containerPort("http", 8080)
            .containerPort("admin", 9091)
            .build(),
        2);
    f.start();

    ServiceWatch http = f.watch("k8s+api:///web.shop:http");
    ServiceWatch admin = f.watch("k8s+api:///web.shop:admin");

    assertThat(ports(f.awaitSet(http, s -> s.size() == 2))).containsExactly(8080);
    assertThat(ports(f.awaitSet(admin, s -> s.size() == 2))).containsExactly(9091);
    assertThat(f.count("list", "endpointslices")).isEqualTo(1);
    assertThat(f.count("watch", "endpointslices")).isEqualTo(1);
    assertThat(f.count("list", "services")).isEqualTo(1);
    assertThat(f.count("list", "nodes")).as("nodes only for nodePort").isZero();
  }

  @Test
  void portNumber_isTranslatedThroughTheServicePortsName() {
    webService();
    f.cluster.scale(WEB, 2);
    f.start();

    EndpointSet set = f.awaitSet(f.watch("k8s+api:///web.shop:80"), s -> s.size() == 2);

    assertThat(ports(set)).containsExactly(8080);
  }

  @Test
  void namedPort_mappedToDifferentNumbersInDifferentSlices() {
    webService();
    f.cluster.apply(web("web-old").build());
    f.cluster.apply(
        Pod.builder("shop", "web-new").label("app", "web").containerPort("http", 8081).build());
    f.start();

    EndpointSet set = f.awaitSet(f.watch("k8s+api:///web.shop:http"), s -> s.size() == 2);

    assertThat(f.cluster.endpointSlices("shop", "web")).hasSize(2);
    assertThat(ports(set)).containsExactlyInAnyOrder(8080, 8081);
  }

  @Test
  void missingService_isNotFound_thenSeenWhenCreated_andADeletedOneIsEmpty() {
    f.start();
    ServiceWatch w = f.watch("k8s+api:///web.shop:http");

    ResolutionError error = f.awaitError(w, e -> true);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.NOT_FOUND);
    assertThat(error.message()).contains("Service shop/web: not found");

    webService();
    f.cluster.scale(WEB, 2);
    awaitWebAsCluster(w);

    f.cluster.deleteService("shop", "web");
    f.awaitSet(w, EndpointSet::isEmpty);
  }

  @Test
  void nodePortMode_givesReadyNodesTimesTheNodePort() {
    FakeCluster cluster = f.cluster;
    cluster.apply(dev.discovery.testkit.Node.builder("node-a").build());
    cluster.apply(dev.discovery.testkit.Node.builder("node-b").build());
    cluster.apply(dev.discovery.testkit.Node.builder("node-c").ready(false).build());
    Service svc =
        cluster.apply(
            Service.nodePort("shop", "web")
                .selector("app", "web")
                .port("http", 80, "http")
                .build());
    cluster.scale(WEB, 1);
    f.start();

    EndpointSet set =
        f.awaitSet(f.watch("k8s+api:///web.shop:http?access=nodePort"), s -> !s.isEmpty());

    int nodePort = svc.port("http").nodePort();
    assertThat(set.kind()).isEqualTo(ServiceKind.NODE_PORT);
    assertThat(set.endpoints())
        .extracting(Endpoint::address)
        .containsExactlyInAnyOrderElementsOf(
            cluster.nodes().stream()
                .filter(dev.discovery.testkit.Node::ready)
                .map(n -> new InetSocketAddress(n.addresses().get(0), nodePort))
                .toList());
    assertThat(f.count("list", "nodes")).isEqualTo(1);
  }

  @Test
  void loadBalancerMode_givesIngressIpsTimesTheServicePort() {
    f.cluster.apply(
        Service.loadBalancer("shop", "web")
            .selector("app", "web")
            .port("http", 80, "http")
            .loadBalancerIngressIp("127.0.9.1")
            .build());
    f.cluster.scale(WEB, 1);
    f.start(f.provider().accessMode(AccessMode.LOAD_BALANCER).build());

    EndpointSet set = f.awaitSet(f.watch("k8s+api:///web.shop:http"), s -> !s.isEmpty());

    assertThat(set.kind()).isEqualTo(ServiceKind.LOAD_BALANCER);
    assertThat(set.endpoints()).extracting(Endpoint::hostPort).containsExactly("127.0.9.1:80");
  }

  @Test
  void targetAccessMode_winsOverTheProviders() {
    f.cluster.apply(
        Service.loadBalancer("shop", "web")
            .selector("app", "web")
            .port("http", 80, "http")
            .loadBalancerIngressIp("127.0.9.1")
            .build());
    f.cluster.scale(WEB, 2);
    f.start(f.provider().accessMode(AccessMode.LOAD_BALANCER).build());

    EndpointSet set =
        f.awaitSet(f.watch("k8s+api:///web.shop:http?access=pods"), s -> s.size() == 2);

    assertThat(ports(set)).containsExactly(8080);
  }
}
