package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.testkit.clock.FakeClock;
import dev.discovery.testkit.internal.ApiJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the fake API server serves: metadata, hand-made slices, hints, the objects' JSON. */
class FakeClusterApiModelTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-11-30T12:00:00.750Z"));
  private final FakeCluster cluster = FakeCluster.builder().clock(clock).build();

  private static Pod.Builder web(String name) {
    return Pod.builder("shop", name).label("app", "web").containerPort("grpc", 50051);
  }

  private static Service.Builder webService() {
    return Service.clusterIp("shop", "web").selector("app", "web").port("grpc", 50051, "grpc");
  }

  @Test
  void metadata_creationTimestamp_comesFromTheClock_inWholeSeconds() {
    Pod pod = cluster.apply(web("web-0").build());
    clock.advance(Duration.ofMinutes(5));
    cluster.setReady("shop", "web-0", false);

    ObjectMetadata meta = cluster.metadata(pod);

    assertThat(meta.creationTimestamp()).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
    assertThat(meta.deletionTimestamp()).isNull();
  }

  @Test
  void metadata_uid_staysForTheObjectsLife_andIsNewAfterDeleteAndRecreate() {
    Pod pod = cluster.apply(web("web-0").build());
    String uid = cluster.metadata(pod).uid();
    cluster.setReady("shop", "web-0", false);
    assertThat(cluster.metadata(pod).uid()).isEqualTo(uid);

    cluster.deletePod("shop", "web-0");
    assertThatThrownBy(() -> cluster.metadata(pod))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("object: Pod shop/web-0 (expected: an object of the snapshot");
    cluster.apply(web("web-0").build());

    assertThat(cluster.metadata(pod).uid()).isNotEqualTo(uid);
  }

  @Test
  void metadata_uids_areTheSameForTheSameHistory() {
    FakeCluster other = FakeCluster.builder().clock(clock).build();
    Pod a = cluster.apply(web("web-0").build());
    Pod b = other.apply(web("web-0").build());

    assertThat(cluster.metadata(a)).isEqualTo(other.metadata(b));
  }

  @Test
  void metadata_resourceVersion_isTheLastChangeThatModifiedTheObject() {
    Pod pod = cluster.apply(web("web-0").build());
    long created = cluster.resourceVersion();
    cluster.apply(webService().build());
    assertThat(cluster.metadata(pod).resourceVersion()).isEqualTo(created);

    cluster.setReady("shop", "web-0", false);

    assertThat(cluster.metadata(pod).resourceVersion()).isEqualTo(cluster.resourceVersion());
    for (EndpointSlice slice : cluster.endpointSlices()) {
      assertThat(cluster.metadata(slice).resourceVersion()).isEqualTo(slice.resourceVersion());
    }
  }

  @Test
  void watch_deletion_carriesTheUid_andTheDeletingResourceVersion() {
    Pod pod = cluster.apply(web("web-0").build());
    String uid = cluster.metadata(pod).uid();
    List<ClusterEvent> events = new ArrayList<>();
    cluster.subscribe(events::add);

    cluster.deletePod("shop", "web-0");

    ClusterEvent.Change deleted = events.get(0).changesOf(Pod.class).get(0);
    assertThat(deleted.type()).isEqualTo(ClusterEvent.Type.DELETED);
    assertThat(deleted.metadata().uid()).isEqualTo(uid);
    assertThat(deleted.metadata().resourceVersion()).isEqualTo(events.get(0).resourceVersion());
  }

  @Test
  void terminatingPod_hasADeletionTimestamp_thirtySecondsAfterItStarted() {
    cluster.apply(web("web-0").build());
    clock.advance(Duration.ofSeconds(60));

    Pod pod = cluster.startTerminating("shop", "web-0");

    assertThat(cluster.metadata(pod).deletionTimestamp())
        .isEqualTo(Instant.parse("2026-11-30T12:01:30Z"));
    assertThat(toJson(pod)).extractingByKey("metadata").asString().contains("deletionTimestamp");
  }

  @Test
  void handMadeSlice_forAServiceWithoutSelector_isServedBesideNothingElse() {
    cluster.apply(Service.clusterIp("shop", "legacy").port("http", 80).build());

    EndpointSlice stored =
        cluster.apply(
            EndpointSlice.builder("shop", "legacy-1", "legacy")
                .managedBy("my-controller.example.com")
                .label("team", "a")
                .endpoint(EndpointSlice.Endpoint.builder("192.0.2.10").zone("zone-a").build())
                .port("http", 8080)
                .build());

    assertThat(cluster.endpointSlices("shop", "legacy")).containsExactly(stored);
    assertThat(stored.resourceVersion()).isEqualTo(cluster.resourceVersion());
    assertThat(cluster.metadata(stored).resourceVersion()).isEqualTo(stored.resourceVersion());
    assertThat(stored.labels())
        .containsEntry("team", "a")
        .containsEntry(EndpointSlice.SERVICE_NAME_LABEL, "legacy")
        .containsEntry(EndpointSlice.MANAGED_BY_LABEL, "my-controller.example.com");
    Map<String, Object> json = toJson(stored);
    assertThat(ApiJson.write(json))
        .doesNotContain("ownerReferences", "generateName", "endpoints\":null");
    assertThat(ApiJson.fromJson(json)).isEqualTo(stored);
  }

  @Test
  void handMadeSlice_mayListAnEndpointAnotherSliceLists() {
    EndpointSlice a =
        cluster.apply(
            EndpointSlice.builder("shop", "legacy-a", "legacy").endpoint("192.0.2.10").build());
    EndpointSlice b =
        cluster.apply(
            EndpointSlice.builder("shop", "legacy-b", "legacy")
                .endpoint("192.0.2.10")
                .endpoint("192.0.2.11")
                .build());

    assertThat(cluster.endpointSlices("shop", "legacy")).containsExactly(a, b);
  }

  @Test
  void handMadeSlice_ofAnotherManager_isLeftAloneByTheController() {
    cluster.apply(webService().build());
    cluster.apply(web("web-0").build());
    EndpointSlice mine =
        cluster.apply(
            EndpointSlice.builder("shop", "web-extra", "web")
                .managedBy("my-controller.example.com")
                .endpoint("192.0.2.10")
                .port("grpc", 50051)
                .build());

    cluster.scale(web("web").build(), 3);
    cluster.setReady("shop", "web-0", false);

    assertThat(cluster.snapshot().endpointSlices("shop", "web"))
        .contains(mine)
        .filteredOn(s -> !s.equals(mine))
        .allSatisfy(s -> assertThat(s.managedByController()).isTrue())
        .flatExtracting(EndpointSlice::endpoints)
        .extracting(EndpointSlice.Endpoint::podName)
        .containsExactlyInAnyOrder("web-0", "web-1", "web-2");
  }

  @Test
  void handMadeSlice_managedByTheController_isRefused() {
    EndpointSlice claimed =
        EndpointSlice.builder("shop", "web-x", "web")
            .managedBy(EndpointSlice.CONTROLLER)
            .endpoint("192.0.2.10")
            .build();

    assertThatThrownBy(() -> cluster.apply(claimed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "endpointslice shop/web-x managedBy: \"endpointslice-controller.k8s.io\" (expected:"
                + " another manager than endpointslice-controller.k8s.io; the controller derives"
                + " its own slices)");
    assertThat(cluster.resourceVersion()).isZero();
  }

  @Test
  void deleteEndpointSlice_removesAHandMadeSlice_butNotTheControllers() {
    cluster.apply(webService().build());
    cluster.apply(EndpointSlice.builder("shop", "web-extra", "web").endpoint("192.0.2.10").build());
    String derived =
        cluster.endpointSlices("shop", "web").stream()
            .filter(EndpointSlice::managedByController)
            .findFirst()
            .orElseThrow()
            .name();

    cluster.deleteEndpointSlice("shop", "web-extra");

    assertThat(cluster.endpointSlices("shop", "web"))
        .allSatisfy(s -> assertThat(s.managedByController()).isTrue());
    assertThatThrownBy(() -> cluster.deleteEndpointSlice("shop", derived))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("managed by endpointslice-controller.k8s.io (expected: a hand-made");
    assertThatThrownBy(() -> cluster.deleteEndpointSlice("shop", "web-extra"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpointslice: shop/web-extra does not exist");
  }

  @Test
  void handMadeSlice_appliedUnchanged_changesNothing() {
    EndpointSlice slice =
        EndpointSlice.builder("shop", "legacy-a", "legacy").endpoint("192.0.2.10").build();
    EndpointSlice first = cluster.apply(slice);
    long rv = cluster.resourceVersion();

    EndpointSlice again = cluster.apply(slice);

    assertThat(again).isEqualTo(first);
    assertThat(cluster.resourceVersion()).isEqualTo(rv);
  }

  @Test
  void trafficDistribution_preferClose_hintsReadyEndpointsWithTheirZone() {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(webService().trafficDistribution("PreferClose").build());
    cluster.apply(web("web-0").node("node-a").build());
    cluster.apply(web("web-1").node("node-a").ready(false).build());

    Map<String, EndpointSlice.Endpoint> byPod = endpointsByPod();

    assertThat(byPod.get("web-0").forZones()).containsExactly("zone-a");
    assertThat(byPod.get("web-0").forNodes()).isEmpty();
    assertThat(byPod.get("web-1").forZones()).isEmpty();
  }

  @Test
  void trafficDistribution_preferSameNode_hintsNodeAndZone() {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(webService().trafficDistribution("PreferSameNode").build());
    cluster.apply(web("web-0").node("node-a").build());
    cluster.apply(web("web-1").build());

    Map<String, EndpointSlice.Endpoint> byPod = endpointsByPod();

    assertThat(byPod.get("web-0").forZones()).containsExactly("zone-a");
    assertThat(byPod.get("web-0").forNodes()).containsExactly("node-a");
    assertThat(byPod.get("web-1").forZones()).isEmpty();
    assertThat(byPod.get("web-1").forNodes()).isEmpty();
  }

  @Test
  void trafficDistribution_removed_removesTheHints() {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(webService().trafficDistribution("PreferSameZone").build());
    cluster.apply(web("web-0").node("node-a").build());

    cluster.apply(webService().build());

    assertThat(endpointsByPod().get("web-0").forZones()).isEmpty();
  }

  @Test
  void trafficDistribution_unknown_isRefused() {
    assertThatThrownBy(() -> webService().trafficDistribution("PreferFar").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "service shop/web trafficDistribution: \"PreferFar\" (expected: PreferClose,"
                + " PreferSameZone or PreferSameNode)");
  }

  @Test
  void setNodeReady_changesTheNodesReadyCondition() {
    cluster.apply(Node.builder("node-a").build());

    Node node = cluster.setNodeReady("node-a", false);

    assertThat(node.ready()).isFalse();
    assertThat(cluster.node("node-a")).contains(node);
    assertThat(ApiJson.write(toJson(node))).contains("{\"type\":\"Ready\",\"status\":\"False\"");
  }

  @Test
  void controllerSlice_isOwnedByItsService_andNamesItsPodsByUid() {
    Service service = cluster.apply(webService().build());
    Pod pod = cluster.apply(web("web-0").build());
    EndpointSlice slice = cluster.endpointSlices("shop", "web").get(0);

    assertThat(slice.ownerUid()).isEqualTo(cluster.metadata(service).uid());
    assertThat(slice.endpoints().get(0).podUid()).isEqualTo(cluster.metadata(pod).uid());
    String json = ApiJson.write(toJson(slice));
    assertThat(json)
        .contains(
            "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"web\","
                + "\"uid\":\""
                + cluster.metadata(service).uid()
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}]");
  }

  @Test
  void everyObject_roundTripsThroughItsJson() {
    cluster.apply(Node.builder("node-a").zone("zone-a").label("pool", "big").build());
    cluster.apply(webService().trafficDistribution("PreferSameNode").build());
    cluster.apply(Service.headless("shop", "db").selector("app", "db").port("pg", 5432).build());
    cluster.apply(
        Service.nodePort("shop", "front")
            .selector("app", "web")
            .port(Service.Port.of("http", 80).targetPort(8080).appProtocol("http"))
            .sessionAffinityClientIp()
            .internalTrafficPolicy(Service.TrafficPolicy.LOCAL)
            .build());
    cluster.apply(
        Service.loadBalancer("shop", "edge").selector("app", "web").port("https", 443).build());
    cluster.apply(Service.externalName("shop", "ext", "db.example.com").build());
    cluster.apply(
        web("web-0")
            .node("node-a")
            .hostname("web-0")
            .subdomain("web")
            .ip("127.0.9.1")
            .ip("fd00::9")
            .build());
    cluster.apply(web("web-1").zone("zone-b").containerPort(8080).build());
    cluster.apply(Pod.builder("shop", "db-0").label("app", "db").build());
    cluster.startTerminating("shop", "web-1");
    cluster.apply(
        EndpointSlice.builder("shop", "legacy-1", "legacy")
            .endpoint(
                EndpointSlice.Endpoint.builder("192.0.2.1")
                    .conditions(false, false, true)
                    .hostname("h1")
                    .nodeName("node-a")
                    .zone("zone-a")
                    .pod("legacy-pod", null)
                    .forZone("zone-a")
                    .build())
            .port(new EndpointSlice.Port(null, Protocol.UDP, 53, null))
            .build());

    ClusterSnapshot snap = cluster.snapshot();
    List<ClusterObject> all = new ArrayList<>();
    all.addAll(snap.namespaces());
    all.addAll(snap.nodes());
    all.addAll(snap.pods());
    all.addAll(snap.services());
    all.addAll(snap.endpointSlices());
    assertThat(all).hasSizeGreaterThan(12);
    for (ClusterObject o : all) {
      Map<String, Object> json = ApiJson.read(ApiJson.write(ApiJson.toJson(o, snap.metadata(o))));
      assertThat(ApiJson.fromJson(json)).as(o.id()).isEqualTo(o);
      assertThat(ApiJson.metadataOf(json)).as(o.id()).isEqualTo(snap.metadata(o));
    }
  }

  private Map<String, Object> toJson(ClusterObject o) {
    return ApiJson.toJson(o, cluster.metadata(o));
  }

  private Map<String, EndpointSlice.Endpoint> endpointsByPod() {
    Map<String, EndpointSlice.Endpoint> out = new java.util.HashMap<>();
    for (EndpointSlice s : cluster.endpointSlices("shop", "web")) {
      s.endpoints().forEach(e -> out.put(e.podName(), e));
    }
    return out;
  }
}
