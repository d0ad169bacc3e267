package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FakeClusterTest {
  private final FakeCluster cluster = FakeCluster.create();

  private static Pod.Builder web(String name) {
    return Pod.builder("shop", name).label("app", "web").containerPort("grpc", 50051);
  }

  private static Service webHeadless() {
    return Service.headless("shop", "web")
        .selector("app", "web")
        .port("grpc", 50051, "grpc")
        .build();
  }

  private static List<String> endpointPods(List<EndpointSlice> slices) {
    return slices.stream()
        .flatMap(s -> s.endpoints().stream())
        .map(EndpointSlice.Endpoint::podName)
        .sorted()
        .toList();
  }

  @Test
  void apply_podWithoutIp_getsDistinctLoopbackAddressesInOrder() {
    Pod a = cluster.apply(web("web-0").build());
    Pod b = cluster.apply(web("web-1").build());

    assertThat(a.ip().getHostAddress()).isEqualTo("127.0.1.1");
    assertThat(b.ip().getHostAddress()).isEqualTo("127.0.1.2");
    assertThat(a.ip().isLoopbackAddress()).isTrue();
    assertThat(cluster.namespaces()).containsExactly(new Namespace("shop"));
  }

  @Test
  void apply_replacedPodWithoutIp_keepsItsAddress() {
    Pod first = cluster.apply(web("web-0").build());
    Pod replaced = cluster.apply(web("web-0").label("tier", "front").build());

    assertThat(replaced.ips()).isEqualTo(first.ips());
    assertThat(replaced.labels()).containsEntry("tier", "front");
  }

  @Test
  void apply_explicitIpv6Pod_isKeptAsData() {
    Pod pod = cluster.apply(web("web-6").ip("fd00::6").build());

    assertThat(pod.ips()).containsExactly(ip("fd00::6"));
    assertThat(pod.ip(IpFamily.IPV6)).isEqualTo(ip("fd00::6"));
    assertThat(pod.ip(IpFamily.IPV4)).isNull();
  }

  @Test
  void apply_services_allocateClusterIpsNodePortsAndIngressFromTheirPools() {
    Service api = cluster.apply(Service.clusterIp("shop", "api").port("http", 80).build());
    Service front =
        cluster.apply(
            Service.nodePort("shop", "front").port("http", 80).port("https", 443).build());
    Service edge = cluster.apply(Service.loadBalancer("shop", "edge").port("https", 443).build());

    assertThat(api.clusterIp().getHostAddress()).isEqualTo("127.1.0.1");
    assertThat(front.clusterIp().getHostAddress()).isEqualTo("127.1.0.2");
    assertThat(front.ports()).extracting(Service.Port::nodePort).containsExactly(30000, 30001);
    assertThat(edge.ports()).extracting(Service.Port::nodePort).containsExactly(30002);
    assertThat(edge.loadBalancerIngress())
        .containsExactly(new LoadBalancerIngress(ip("127.3.0.1"), null));
  }

  @Test
  void apply_replacedService_keepsClusterIpAndNodePorts() {
    Service first =
        cluster.apply(
            Service.nodePort("shop", "front").selector("app", "a").port("http", 80).build());
    Service second =
        cluster.apply(
            Service.nodePort("shop", "front").selector("app", "b").port("http", 80).build());

    assertThat(second.clusterIps()).isEqualTo(first.clusterIps());
    assertThat(second.ports()).isEqualTo(first.ports());
    assertThat(second.selector()).containsEntry("app", "b");
  }

  @Test
  void headless_namedTargetPort_isResolvedPerPod_intoSlicesPerPortSet() {
    cluster.apply(web("web-0").build());
    cluster.apply(
        Pod.builder("shop", "web-1").label("app", "web").containerPort("grpc", 9090).build());
    cluster.apply(webHeadless());

    List<EndpointSlice> slices = cluster.endpointSlices("shop", "web");

    assertThat(slices).hasSize(2);
    assertThat(slices)
        .extracting(s -> s.ports().get(0).port())
        .containsExactlyInAnyOrder(50051, 9090);
    for (EndpointSlice s : slices) {
      assertThat(s.endpoints()).hasSize(1);
      assertThat(s.labels()).containsEntry(EndpointSlice.SERVICE_NAME_LABEL, "web");
      assertThat(s.addressType()).isEqualTo(IpFamily.IPV4);
    }
  }

  @Test
  void slice_podWithoutTheNamedPort_isListedWithoutThatPort() {
    cluster.apply(
        Pod.builder("shop", "web-0").label("app", "web").containerPort("http", 8080).build());
    cluster.apply(webHeadless());

    EndpointSlice slice = cluster.endpointSlices("shop", "web").get(0);

    assertThat(slice.endpoints()).hasSize(1);
    assertThat(slice.ports()).isEmpty();
  }

  @Test
  void slices_holdAtMost100Endpoints_andEveryPodOnce() {
    cluster.apply(webHeadless());
    cluster.scale(web("web").build(), 250);

    List<EndpointSlice> slices = cluster.endpointSlices("shop", "web");

    assertThat(slices).hasSize(3);
    assertThat(slices).allSatisfy(s -> assertThat(s.endpoints().size()).isLessThanOrEqualTo(100));
    assertThat(endpointPods(slices)).hasSize(250).doesNotHaveDuplicates();
  }

  @Test
  void slices_maxEndpointsPerSlice_isConfigurable() {
    FakeCluster small = FakeCluster.builder().maxEndpointsPerSlice(2).build();
    small.apply(webHeadless());
    small.scale(web("web").build(), 5);

    assertThat(small.endpointSlices("shop", "web"))
        .extracting(s -> s.endpoints().size())
        .containsExactly(2, 2, 1);
  }

  @Test
  void conditions_followReadinessAndTermination_asTheController() {
    cluster.apply(webHeadless());
    cluster.scale(web("web").build(), 3);
    cluster.setReady("shop", "web-1", false);
    cluster.setReady("shop", "web-2", true);
    cluster.startTerminating("shop", "web-2");

    Map<String, EndpointSlice.Endpoint> byPod = endpointsByPod("web");

    assertThat(byPod.get("web-0")).matches(e -> e.ready() && e.serving() && !e.terminating());
    assertThat(byPod.get("web-1")).matches(e -> !e.ready() && !e.serving() && !e.terminating());
    assertThat(byPod.get("web-2")).matches(e -> !e.ready() && e.serving() && e.terminating());
  }

  @Test
  void publishNotReadyAddresses_marksEveryEndpointReady() {
    cluster.apply(
        Service.headless("shop", "peers")
            .selector("app", "web")
            .publishNotReadyAddresses(true)
            .port("grpc", 50051, "grpc")
            .build());
    cluster.apply(web("web-0").ready(false).build());

    assertThat(endpointsByPod("peers").get("web-0"))
        .matches(e -> e.ready() && !e.serving() && !e.terminating());
  }

  @Test
  void hostname_isSetOnlyWhenTheSubdomainIsTheService() {
    cluster.apply(webHeadless());
    cluster.apply(Service.headless("shop", "other").selector("app", "web").build());
    cluster.apply(web("web-0").hostname("web-0").subdomain("web").build());

    assertThat(endpointsByPod("web").get("web-0").hostname()).isEqualTo("web-0");
    assertThat(endpointsByPod("other").get("web-0").hostname()).isNull();
  }

  @Test
  void zone_comesFromThePodElseItsNode() {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(webHeadless());
    cluster.apply(web("web-0").node("node-a").build());
    cluster.apply(web("web-1").node("node-a").zone("zone-b").build());

    Map<String, EndpointSlice.Endpoint> byPod = endpointsByPod("web");

    assertThat(byPod.get("web-0").zone()).isEqualTo("zone-a");
    assertThat(byPod.get("web-0").nodeName()).isEqualTo("node-a");
    assertThat(byPod.get("web-1").zone()).isEqualTo("zone-b");
    assertThat(cluster.node("node-a").orElseThrow().addresses()).containsExactly(ip("127.2.0.1"));
  }

  @Test
  void dualStackPod_appearsInOneSlicePerFamily() {
    cluster.apply(webHeadless());
    cluster.apply(web("web-0").ip("127.0.9.1").ip("fd00::91").build());

    assertThat(cluster.endpointSlices("shop", "web"))
        .extracting(EndpointSlice::addressType)
        .containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
  }

  @Test
  void serviceWithNoMatchingPods_keepsOneEmptyPlaceholderSlice() {
    cluster.apply(webHeadless());

    List<EndpointSlice> slices = cluster.endpointSlices("shop", "web");

    assertThat(slices).hasSize(1);
    assertThat(slices.get(0).endpoints()).isEmpty();
    assertThat(slices.get(0).ports()).isEmpty();
  }

  @Test
  void serviceWithoutSelector_andExternalName_haveNoSlices() {
    cluster.apply(Service.clusterIp("shop", "manual").port("http", 80).build());
    cluster.apply(Service.externalName("shop", "db", "db.example.com").build());

    assertThat(cluster.endpointSlices()).isEmpty();
  }

  @Test
  void relabel_movesAPodOutOfTheService() {
    cluster.apply(webHeadless());
    cluster.scale(web("web").build(), 2);

    cluster.relabel("shop", "web-1", Map.of("app", "canary"));

    assertThat(endpointPods(cluster.endpointSlices("shop", "web"))).containsExactly("web-0");
  }

  @Test
  void scale_upAndDown_keepsLowOrdinalsAndTheirAddresses() {
    List<Pod> three = cluster.scale(web("web").subdomain("web").build(), 3);
    List<Pod> two = cluster.scale("shop", "web", 2);
    List<Pod> four = cluster.scale("shop", "web", 4);

    assertThat(three).extracting(Pod::name).containsExactly("web-0", "web-1", "web-2");
    assertThat(three).extracting(Pod::hostname).containsExactly("web-0", "web-1", "web-2");
    assertThat(two).isEqualTo(three.subList(0, 2));
    assertThat(four.subList(0, 2)).isEqualTo(two);
    assertThat(four.get(2).ip()).isNotEqualTo(three.get(2).ip());
    assertThat(cluster.pods("shop")).hasSize(4);
  }

  @Test
  void scale_unknownSet_isRefusedWithTheFix() {
    assertThatThrownBy(() -> cluster.scale("shop", "web", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no pod web-<ordinal> to copy")
        .hasMessageContaining("scale(Pod template, replicas)");
  }

  @Test
  void readinessChange_modifiesOnlyTheSliceHoldingThePod() {
    cluster.apply(webHeadless());
    cluster.scale(web("web").build(), 150);
    List<ClusterEvent> events = new ArrayList<>();
    cluster.subscribe(events::add);

    cluster.setReady("shop", "web-120", false);

    assertThat(events).hasSize(1);
    ClusterEvent event = events.get(0);
    assertThat(event.changesOf(EndpointSlice.class)).hasSize(1);
    assertThat(event.changesOf(EndpointSlice.class).get(0).type())
        .isEqualTo(ClusterEvent.Type.MODIFIED);
    assertThat(event.changesOf(Pod.class)).hasSize(1);
    EndpointSlice changed = (EndpointSlice) event.changesOf(EndpointSlice.class).get(0).object();
    assertThat(changed.resourceVersion()).isEqualTo(event.resourceVersion());
    assertThat(cluster.resourceVersion()).isEqualTo(event.resourceVersion());
  }

  @Test
  void subscribe_noOpMutation_notifiesNoOne() {
    cluster.apply(web("web-0").build());
    List<ClusterEvent> events = new ArrayList<>();
    cluster.subscribe(events::add);
    long rv = cluster.resourceVersion();

    cluster.setReady("shop", "web-0", true);

    assertThat(events).isEmpty();
    assertThat(cluster.resourceVersion()).isEqualTo(rv);
  }

  @Test
  void subscribe_throwingListener_doesNotStopTheOthers() {
    List<ClusterEvent> events = new ArrayList<>();
    cluster.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    cluster.subscribe(events::add);

    cluster.apply(web("web-0").build());

    assertThat(events).hasSize(1);
  }

  @Test
  void subscribe_closedSubscription_receivesNothingMore() {
    List<ClusterEvent> events = new ArrayList<>();
    var subscription = cluster.subscribe(events::add);
    cluster.apply(web("web-0").build());

    subscription.close();
    cluster.apply(web("web-1").build());

    assertThat(events).hasSize(1);
  }

  @Test
  void subscribe_listenerThatMutates_seesEventsInOrder() {
    List<Long> versions = new ArrayList<>();
    cluster.subscribe(
        e -> {
          versions.add(e.resourceVersion());
          if (e.resourceVersion() == 1) {
            cluster.apply(web("web-1").build());
          }
        });

    cluster.apply(web("web-0").build());

    assertThat(versions).containsExactly(1L, 2L);
  }

  @Test
  void batch_appliesAllAtOnce_withOneEvent() {
    List<ClusterEvent> events = new ArrayList<>();
    cluster.subscribe(events::add);

    cluster.batch(
        tx -> {
          tx.apply(webHeadless());
          tx.apply(web("web-0").build());
          tx.apply(web("web-1").build());
          tx.setReady("shop", "web-1", false);
        });

    assertThat(events).hasSize(1);
    assertThat(events.get(0).changes())
        .extracting(c -> c.object().kind())
        .containsExactly("Namespace", "Service", "Pod", "Pod", "EndpointSlice");
  }

  @Test
  void batch_thatThrows_changesNothing() {
    cluster.apply(web("web-0").build());
    long rv = cluster.resourceVersion();

    assertThatThrownBy(
            () ->
                cluster.batch(
                    tx -> {
                      tx.apply(web("web-1").build());
                      tx.deletePod("shop", "web-9");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shop/web-9 does not exist")
        .hasMessageContaining("have: shop/web-0, shop/web-1");
    assertThat(cluster.pods()).extracting(Pod::name).containsExactly("web-0");
    assertThat(cluster.resourceVersion()).isEqualTo(rv);
  }

  @Test
  void batch_callingTheClusterInside_isRefused() {
    assertThatThrownBy(() -> cluster.batch(tx -> cluster.apply(web("web-0").build())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use the ClusterMutations that batch passes");
  }

  @Test
  void deleteNamespace_removesEverythingInIt() {
    cluster.apply(webHeadless());
    cluster.scale(web("web").build(), 2);
    cluster.apply(Pod.builder("other", "x").build());

    cluster.deleteNamespace("shop");

    assertThat(cluster.pods()).extracting(Pod::id).containsExactly("other/x");
    assertThat(cluster.services()).isEmpty();
    assertThat(cluster.endpointSlices()).isEmpty();
  }

  @Test
  void deleteService_removesItsSlices_andFreesItsClusterIp() {
    Service api =
        cluster.apply(
            Service.clusterIp("shop", "api").selector("app", "web").port("http", 80).build());
    cluster.apply(web("web-0").build());

    cluster.deleteService("shop", "api");
    Service again =
        cluster.apply(
            Service.clusterIp("shop", "api2")
                .clusterIp(api.clusterIp().getHostAddress())
                .port("http", 80)
                .build());

    assertThat(cluster.endpointSlices()).isEmpty();
    assertThat(again.clusterIp()).isEqualTo(api.clusterIp());
  }

  @Test
  void validation_refusesBadInput_namingTheFieldAndTheExpectation() {
    assertThatThrownBy(() -> Pod.builder("Shop", "web-0").build())
        .hasMessageContaining("pod namespace: \"Shop\" (expected: a DNS-1123 label");
    assertThatThrownBy(() -> Service.clusterIp("shop", "1web").port("http", 80).build())
        .hasMessageContaining("service name: \"1web\" (expected: a DNS-1035 label");
    assertThatThrownBy(() -> Service.clusterIp("shop", "web").port("http", 70000).build())
        .hasMessage("service port: 70000 (expected: 1..65535)");
    assertThatThrownBy(
            () -> Service.clusterIp("shop", "web").port("http", 80).port("http", 81).build())
        .hasMessageContaining("ports[1].name: \"http\" (expected: a name no other port has)");
    assertThatThrownBy(() -> Service.clusterIp("shop", "web").port(80).port("b", 81).build())
        .hasMessageContaining("ports[0].name: missing (expected: a name on every port");
    assertThatThrownBy(() -> Service.clusterIp("shop", "web").build())
        .hasMessageContaining("ports: none (expected: at least one port");
    assertThatThrownBy(
            () ->
                Service.clusterIp("shop", "web")
                    .port(Service.Port.of("h", 80).nodePort(30080))
                    .build())
        .hasMessageContaining(
            "nodePort: 30080 (expected: only with type NodePort or LoadBalancer)");
    assertThatThrownBy(() -> Pod.builder("shop", "web-0").containerPort("grpc", 0).build())
        .hasMessage("container port: 0 (expected: 1..65535)");
    assertThatThrownBy(
            () ->
                Pod.builder("shop", "web-0")
                    .containerPort("grpc", 1)
                    .containerPort("grpc", 2)
                    .build())
        .hasMessageContaining("container port name: \"grpc\" (expected: each name once per pod)");
    assertThatThrownBy(() -> Pod.builder("shop", "web-0").label("app", "a b").build())
        .hasMessageContaining("value of app: \"a b\"");
    assertThatThrownBy(() -> Pod.builder("shop", "web-0").ip("10.0.0.300").build())
        .hasMessageContaining("ip: \"10.0.0.300\" (expected: an IPv4 or IPv6 address literal)");
    assertThatThrownBy(
            () ->
                Service.clusterIp("shop", "web")
                    .port("h", 80)
                    .sessionAffinityClientIp(java.time.Duration.ofDays(2))
                    .build())
        .hasMessageContaining("timeoutSeconds: PT48H (expected: whole seconds in 1..86400)");
    assertThatThrownBy(() -> Service.externalName("shop", "db", "not a name").build())
        .hasMessageContaining("externalName: \"not a name\"");
  }

  @Test
  void validation_refusesNodePortsOutOfRangeOrTaken() {
    cluster.apply(
        Service.nodePort("shop", "a").port(Service.Port.of("http", 80).nodePort(30080)).build());

    assertThatThrownBy(
            () ->
                cluster.apply(
                    Service.nodePort("shop", "b")
                        .port(Service.Port.of("http", 80).nodePort(30080))
                        .build()))
        .hasMessage(
            "service shop/b ports[0].nodePort: 30080 is already used by service shop/a"
                + " (expected: a node port no other Service uses)");
    assertThatThrownBy(
            () ->
                cluster.apply(
                    Service.nodePort("shop", "c")
                        .port(Service.Port.of("http", 80).nodePort(29999))
                        .build()))
        .hasMessage("service shop/c ports[0].nodePort: 29999 (expected: 30000..32767)");
    Service udp =
        cluster.apply(
            Service.nodePort("shop", "d")
                .port(Service.Port.of("dns", 53).protocol(Protocol.UDP).nodePort(30080))
                .build());
    assertThat(udp.ports().get(0).nodePort()).isEqualTo(30080);
  }

  @Test
  void validation_refusesUnknownNodesAndAddressClashes() {
    Pod pod = cluster.apply(web("web-0").build());

    assertThatThrownBy(() -> cluster.apply(web("web-1").node("node-x").build()))
        .hasMessageContaining(
            "pod shop/web-1 node: \"node-x\" (expected: an existing node (have: none))");
    assertThatThrownBy(() -> cluster.apply(web("web-1").ip(pod.ip()).build()))
        .hasMessageContaining("127.0.1.1 is used by pod shop/web-0");
    assertThatThrownBy(
            () ->
                cluster.apply(
                    Service.clusterIp("shop", "api").clusterIp("127.0.1.1").port(80).build()))
        .hasMessageContaining("clusterIP: 127.0.1.1 is used by pod shop/web-0");
  }

  @Test
  void zone_isConfigurable_andValidated() {
    assertThat(FakeCluster.builder().zone("Example.Local.").build().zone())
        .isEqualTo("example.local");
    assertThatThrownBy(() -> FakeCluster.builder().zone("bad_zone"))
        .hasMessageContaining("zone: \"bad_zone\"");
  }

  private Map<String, EndpointSlice.Endpoint> endpointsByPod(String service) {
    return cluster.endpointSlices("shop", service).stream()
        .flatMap(s -> s.endpoints().stream())
        .collect(Collectors.toMap(EndpointSlice.Endpoint::podName, e -> e));
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: never looked up
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
