package dev.discovery.k8s.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.KubernetesAttributes;
import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.ServicePort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceEndpointsTest {
  private static final Source API = Source.of("api");
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private static final ServiceObject WEB = ApiJson.service("service-clusterip.json");
  private static final SliceObject SLICE_A = ApiJson.slice("slice-web-a.json");

  // --- pods mode, ports ---

  @Test
  void portName_selectsTheSlicesPortOfThatName_withConditionsPodAndHints() {
    EndpointSet set = resolved(pods(new ServicePort.Name("http")), WEB, List.of(SLICE_A));
    assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
    assertThat(set.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("10.244.1.17:8080", "10.244.2.9:8080", "10.244.3.4:8080");
    Endpoint first = set.endpoints().get(0);
    assertThat(first.ready()).isTrue();
    assertThat(first.serving()).isTrue();
    assertThat(first.terminating()).isFalse();
    assertThat(first.hostname()).isEqualTo("web-0");
    assertThat(first.node()).isEqualTo("node-a");
    assertThat(first.zone()).isEqualTo("zone-a");
    assertThat(first.attributes())
        .isEqualTo(
            Map.of(
                KubernetesAttributes.HINTS_FOR_ZONES, "zone-a",
                KubernetesAttributes.POD, "web-6d9f7c-abcde"));
    Endpoint draining = set.endpoints().get(1);
    assertThat(List.of(draining.ready(), draining.serving(), draining.terminating()))
        .containsExactly(false, true, true);
    assertThat(draining.attributes())
        .containsEntry(KubernetesAttributes.HINTS_FOR_ZONES, "zone-b,zone-c")
        .containsEntry(KubernetesAttributes.HINTS_FOR_NODES, "node-b");
    Endpoint notReady = set.endpoints().get(2);
    assertThat(List.of(notReady.ready(), notReady.serving(), notReady.terminating()))
        .containsExactly(false, false, false);
  }

  @Test
  void portNumber_isTheServicePort_translatedThroughItsName() {
    assertThat(resolved(pods(new ServicePort.Number(80)), WEB, List.of(SLICE_A)).endpoints())
        .extracting(Endpoint::port)
        .containsOnly(8080);
    assertThat(resolved(pods(new ServicePort.Number(9000)), WEB, List.of(SLICE_A)).endpoints())
        .extracting(Endpoint::port)
        .containsOnly(9090);
  }

  @Test
  void unknownPort_isMisconfigured_listingTheServicePorts() {
    assertThat(failed(pods(new ServicePort.Name("metrics")), WEB, List.of(SLICE_A)))
        .isEqualTo(
            ResolutionError.misconfigured(
                "port name: metrics is not a port of Service shop/web (expected: one of"
                    + " http=80/TCP, grpc=9000/TCP)"));
    assertThat(failed(pods(new ServicePort.Number(8080)), WEB, List.of(SLICE_A)))
        .isEqualTo(
            ResolutionError.misconfigured(
                "port: 8080 is not a port of Service shop/web (expected: one of http=80/TCP,"
                    + " grpc=9000/TCP)"));
    assertThat(failed(pods(null), WEB, List.of(SLICE_A)))
        .isEqualTo(
            ResolutionError.misconfigured(
                "port: none in the target and Service shop/web has 2 (expected: one of"
                    + " http=80/TCP, grpc=9000/TCP in the target, such as web.shop:http)"));
  }

  @Test
  void noPort_isTheServicesOnlyPort_andHeadlessIsHeadless() {
    ServiceObject db = ApiJson.service("service-headless.json");
    SliceObject slice =
        slice("db-1", "db", "", 5432, endpoint("10.244.5.1", true), endpoint("10.244.5.2", null));
    EndpointSet set =
        resolved(
            new ServiceEndpoints.Query("shop", "db", null, AccessMode.PODS), db, List.of(slice));
    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
    assertThat(set.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("10.244.5.1:5432", "10.244.5.2:5432");
    assertThat(set.attributes())
        .containsEntry(KubernetesAttributes.PUBLISH_NOT_READY_ADDRESSES, "true")
        .containsEntry(KubernetesAttributes.SESSION_AFFINITY, "None")
        .doesNotContainKey(KubernetesAttributes.SESSION_AFFINITY_TIMEOUT_SECONDS);
  }

  @Test
  void namedPort_mappedToDifferentNumbersInDifferentSlices_usesEachSlicesNumber() {
    SliceObject oldPods = slice("web-old", "web", "http", 8080, endpoint("10.0.0.1", true));
    SliceObject newPods = slice("web-new", "web", "http", 8081, endpoint("10.0.0.2", true));
    EndpointSet set = resolved(pods(new ServicePort.Number(80)), WEB, List.of(oldPods, newPods));
    assertThat(set.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8081");
  }

  // --- merging ---

  @Test
  void oneEndpointInTwoSlices_isOneEndpoint_readyIfAnySliceSaysReady() {
    SliceObject stale = slice("web-a", "web", "http", 8080, endpoint("10.0.0.1", false));
    SliceObject fresh =
        slice(
            "web-b",
            "web",
            "http",
            8080,
            new SliceObject.SliceEndpoint(
                List.of(ip("10.0.0.1")),
                true,
                null,
                null,
                "h",
                "node-1",
                "zone-1",
                "pod-1",
                List.of("zone-1"),
                List.of()));
    for (List<SliceObject> order : List.of(List.of(stale, fresh), List.of(fresh, stale))) {
      EndpointSet set = resolved(pods(new ServicePort.Name("http")), WEB, order);
      assertThat(set.endpoints()).hasSize(1);
      Endpoint e = set.endpoints().get(0);
      assertThat(e.ready()).isTrue();
      assertThat(e.serving()).isTrue();
      assertThat(e.node()).isEqualTo("node-1");
      assertThat(e.attributes()).containsEntry(KubernetesAttributes.POD, "pod-1");
    }
  }

  @Test
  void terminatingInOneSliceAndReadyInAnother_isReadyAndNotTerminating() {
    SliceObject terminating =
        slice(
            "web-a",
            "web",
            "http",
            8080,
            new SliceObject.SliceEndpoint(
                List.of(ip("10.0.0.1")),
                false,
                true,
                true,
                null,
                null,
                null,
                null,
                List.of(),
                List.of()));
    SliceObject ready = slice("web-b", "web", "http", 8080, endpoint("10.0.0.1", true));
    Endpoint e =
        resolved(pods(new ServicePort.Name("http")), WEB, List.of(terminating, ready))
            .endpoints()
            .get(0);
    assertThat(List.of(e.ready(), e.serving(), e.terminating())).containsExactly(true, true, false);
  }

  @Test
  void ipReusedByANewPod_takesNodeZonePodAndHintsFromTheReadyEntry() {
    // The old pod, terminating, still sits in web-a; its IP now belongs to a new pod in web-b.
    SliceObject old =
        slice(
            "web-a",
            "web",
            "http",
            8080,
            new SliceObject.SliceEndpoint(
                List.of(ip("10.0.0.1")),
                false,
                false,
                true,
                "web-old",
                "node-a",
                "zone-a",
                "web-old-pod",
                List.of("zone-a"),
                List.of()));
    SliceObject fresh =
        slice(
            "web-b",
            "web",
            "http",
            8080,
            new SliceObject.SliceEndpoint(
                List.of(ip("10.0.0.1")),
                true,
                true,
                false,
                "web-new",
                "node-b",
                "zone-b",
                "web-new-pod",
                List.of("zone-b"),
                List.of()));
    Endpoint e =
        resolved(pods(new ServicePort.Name("http")), WEB, List.of(old, fresh)).endpoints().get(0);
    assertThat(
            List.of(e.hostname(), e.node(), e.zone(), e.attributes().get(KubernetesAttributes.POD)))
        .containsExactly("web-new", "node-b", "zone-b", "web-new-pod");
    assertThat(e.attributes()).containsEntry(KubernetesAttributes.HINTS_FOR_ZONES, "zone-b");
  }

  @Test
  void fqdnSlicesAndOtherServicesSlices_areLeftOut() {
    SliceObject other = slice("api-1", "api", "http", 8080, endpoint("10.0.0.9", true));
    EndpointSet set =
        resolved(
            pods(new ServicePort.Name("http")),
            WEB,
            List.of(ApiJson.slice("slice-fqdn.json"), other, SLICE_A));
    assertThat(set.endpoints()).extracting(Endpoint::hostPort).doesNotContain("10.0.0.9:8080");
    assertThat(set.size()).isEqualTo(3);
  }

  /** Fixed seeds, so a failure replays. */
  static Stream<Long> seeds() {
    return Stream.of(1L, 2L, 3L, 7L, 42L, 1234L, 2024L, 99991L);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anySplitIntoSlicesInAnyOrder_assemblesToTheSameSet(long seed) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(120);
    List<SliceObject.SliceEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Boolean ready = random.nextInt(4) == 0 ? null : random.nextBoolean();
      boolean terminating = Boolean.FALSE.equals(ready) && random.nextBoolean();
      endpoints.add(
          new SliceObject.SliceEndpoint(
              List.of(
                  ip(
                      random.nextBoolean()
                          ? "10.1." + (i / 250) + "." + (i % 250 + 1)
                          : "fd00::" + Integer.toHexString(i + 1))),
              ready,
              random.nextBoolean() ? null : !terminating,
              terminating ? Boolean.TRUE : null,
              null,
              "node-" + random.nextInt(5),
              "zone-" + random.nextInt(3),
              "pod-" + i,
              List.of("zone-" + random.nextInt(3)),
              List.of()));
    }
    EndpointSet whole =
        resolved(pods(new ServicePort.Name("http")), WEB, split(endpoints, 1, random));
    int parts = 2 + random.nextInt(6);
    List<SliceObject> slices = split(endpoints, parts, random);
    Collections.shuffle(slices, random);
    EndpointSet sliced = resolved(pods(new ServicePort.Name("http")), WEB, slices);
    assertThat(sliced.isChangeFrom(whole)).isFalse();
    assertThat(sliced.endpoints()).isEqualTo(whole.endpoints());
    assertThat(sliced.size()).isEqualTo(n);
  }

  /** Deals the endpoints (shuffled) into {@code parts} slices, one address family each. */
  private static List<SliceObject> split(
      List<SliceObject.SliceEndpoint> endpoints, int parts, Random random) {
    List<SliceObject.SliceEndpoint> shuffled = new ArrayList<>(endpoints);
    Collections.shuffle(shuffled, random);
    List<SliceObject> slices = new ArrayList<>();
    for (String family : List.of("IPv4", "IPv6")) {
      List<List<SliceObject.SliceEndpoint>> buckets = new ArrayList<>();
      IntStream.range(0, parts).forEach(i -> buckets.add(new ArrayList<>()));
      for (SliceObject.SliceEndpoint e : shuffled) {
        boolean v4 = e.addresses().get(0) instanceof java.net.Inet4Address;
        if (v4 == family.equals("IPv4")) {
          buckets.get(random.nextInt(parts)).add(e);
        }
      }
      for (int i = 0; i < parts; i++) {
        slices.add(
            new SliceObject(
                "shop",
                "web-" + family + "-" + i,
                "1",
                "web",
                family,
                buckets.get(i),
                List.of(new SliceObject.SlicePort("http", "TCP", 8080, null))));
      }
    }
    return slices;
  }

  @Test
  void threeHundredEndpointsInThreeSlices_areAllThere() {
    List<SliceObject> slices = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      List<SliceObject.SliceEndpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        endpoints.add(endpoint("10.2." + s + "." + (i + 1), true));
      }
      slices.add(
          new SliceObject(
              "shop",
              "web-" + s,
              "1",
              "web",
              "IPv4",
              endpoints,
              List.of(new SliceObject.SlicePort("http", "TCP", 8080, null))));
    }
    EndpointSet set = resolved(pods(new ServicePort.Name("http")), WEB, slices);
    assertThat(set.size()).isEqualTo(300);
    assertThat(set.readyCount()).isEqualTo(300);
  }

  // --- Service presence and kinds ---

  @Test
  void missingService_isNotFound_evenWithSlices() {
    assertThat(failed(pods(new ServicePort.Name("http")), null, List.of(SLICE_A)))
        .isEqualTo(
            ResolutionError.notFound(
                "Service shop/web: not found (expected: a Service of that name in that"
                    + " namespace)"));
  }

  @Test
  void existingServiceWithoutSlices_isAnEmptySnapshot_withItsAttributes() {
    EndpointSet set = resolved(pods(new ServicePort.Name("http")), WEB, List.of());
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.resolvedAt()).isEqualTo(NOW);
    assertThat(set.attributes())
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of(
                    KubernetesAttributes.INTERNAL_TRAFFIC_POLICY, "Cluster",
                    KubernetesAttributes.PUBLISH_NOT_READY_ADDRESSES, "false",
                    KubernetesAttributes.SESSION_AFFINITY, "ClientIP",
                    KubernetesAttributes.SESSION_AFFINITY_TIMEOUT_SECONDS, "600",
                    KubernetesAttributes.TRAFFIC_DISTRIBUTION, "PreferSameZone",
                    KubernetesAttributes.TYPE, "ClusterIP")));
    assertThat(resolved(pods(new ServicePort.Name("grpc")), WEB, List.of()).attributes())
        .containsEntry(KubernetesAttributes.APP_PROTOCOL, "kubernetes.io/h2c");
  }

  @Test
  void externalName_isHandedOverToDns() {
    Assembled a =
        ServiceEndpoints.assemble(
            new ServiceEndpoints.Query(
                "shop", "payments", new ServicePort.Number(443), AccessMode.PODS),
            ApiJson.service("service-externalname.json"),
            List.of(),
            List.of(),
            API,
            NOW);
    assertThat(a)
        .isEqualTo(
            new Assembled.DnsHandOver(
                "payments.example.com",
                ServiceKind.EXTERNAL_NAME,
                new ServicePort.Number(443),
                "ExternalName shop/payments: CNAME to payments.example.com"));
  }

  @Test
  void nodePortService_inPodsMode_isItsPods() {
    ServiceObject np = ApiJson.service("service-nodeport.json");
    EndpointSet set = resolved(pods(new ServicePort.Number(80)), np, List.of(SLICE_A));
    assertThat(set.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
    assertThat(set.attributes()).containsEntry(KubernetesAttributes.TYPE, "NodePort");
    assertThat(set.endpoints()).extracting(Endpoint::port).containsOnly(8080);
  }

  @Test
  void nodePortMode_isEachReadyNodesInternalIp_elseExternalIp_withTheNodePort() {
    NodeObject a = ApiJson.node("node-a.json");
    NodeObject externalOnly =
        new NodeObject(
            "node-b",
            "1",
            Map.of(NodeObject.EXTERNAL_IP, List.of(ip("198.51.100.8"))),
            true,
            "zone-b");
    NodeObject notReady =
        new NodeObject(
            "node-c",
            "1",
            Map.of(NodeObject.INTERNAL_IP, List.of(ip("192.168.10.9"))),
            false,
            null);
    Assembled result =
        ServiceEndpoints.assemble(
            new ServiceEndpoints.Query(
                "shop", "web", new ServicePort.Name("http"), AccessMode.NODE_PORT),
            ApiJson.service("service-nodeport.json"),
            List.of(SLICE_A),
            List.of(notReady, externalOnly, a),
            API,
            NOW);
    EndpointSet set = resolved(result);
    assertThat(set.kind()).isEqualTo(ServiceKind.NODE_PORT);
    assertThat(set.endpoints())
        .extracting(Endpoint::toString)
        .containsExactly(
            "192.168.10.7:30080 ready zone=zone-a node=node-a",
            "198.51.100.8:30080 ready zone=zone-b node=node-b");
  }

  @Test
  void nodePortMode_withExternalTrafficPolicyLocal_keepsNodesWithAReadyEndpoint() {
    ServiceObject lb = ApiJson.service("service-loadbalancer.json");
    List<NodeObject> nodes =
        List.of(
            new NodeObject(
                "node-a",
                "1",
                Map.of(NodeObject.INTERNAL_IP, List.of(ip("192.168.0.1"))),
                true,
                null),
            new NodeObject(
                "node-b",
                "1",
                Map.of(NodeObject.INTERNAL_IP, List.of(ip("192.168.0.2"))),
                true,
                null));
    SliceObject slice =
        new SliceObject(
            "shop",
            "web-1",
            "1",
            "web",
            "IPv4",
            SLICE_A.endpoints(),
            List.of(new SliceObject.SlicePort("http", "TCP", 8443, null)));
    Assembled result =
        ServiceEndpoints.assemble(
            new ServiceEndpoints.Query("shop", "web", null, AccessMode.NODE_PORT),
            lb,
            List.of(slice),
            nodes,
            API,
            NOW);
    // node-a runs the ready pod; node-b only a terminating one.
    assertThat(resolved(result).endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("192.168.0.1:31443");
  }

  @Test
  void nodePortMode_onAClusterIpService_isMisconfigured() {
    assertThat(
            failed(
                new ServiceEndpoints.Query(
                    "shop", "web", new ServicePort.Name("http"), AccessMode.NODE_PORT),
                WEB,
                List.of(SLICE_A)))
        .isEqualTo(
            ResolutionError.misconfigured(
                "port http=80/TCP of Service shop/web: no nodePort, the Service is of type"
                    + " ClusterIP (expected: type NodePort or LoadBalancer for the nodePort access"
                    + " mode)"));
  }

  @Test
  void loadBalancerMode_isEachIngressIp_withTheServicePort_hostnamesAsAttribute() {
    EndpointSet set =
        resolved(
            ServiceEndpoints.assemble(
                new ServiceEndpoints.Query("shop", "web", null, AccessMode.LOAD_BALANCER),
                ApiJson.service("service-loadbalancer.json"),
                List.of(),
                List.of(),
                API,
                NOW));
    assertThat(set.kind()).isEqualTo(ServiceKind.LOAD_BALANCER);
    assertThat(set.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("203.0.113.10:443", "203.0.113.11:443");
    assertThat(set.attributes())
        .containsEntry(KubernetesAttributes.LOAD_BALANCER_HOSTNAMES, "web-1234.elb.example.com")
        .containsEntry(KubernetesAttributes.EXTERNAL_TRAFFIC_POLICY, "Local");
  }

  @Test
  void loadBalancerMode_withOnlyAHostname_isHandedOverToDns_andWithoutIngressUnavailable() {
    ServiceObject lb = ApiJson.service("service-loadbalancer.json");
    ServiceObject hostnameOnly =
        withIngress(lb, List.of(new ServiceObject.Ingress(null, "lb.example.com")));
    ServiceEndpoints.Query query =
        new ServiceEndpoints.Query("shop", "web", null, AccessMode.LOAD_BALANCER);
    assertThat(ServiceEndpoints.assemble(query, hostnameOnly, List.of(), List.of(), API, NOW))
        .isEqualTo(
            new Assembled.DnsHandOver(
                "lb.example.com",
                ServiceKind.LOAD_BALANCER,
                new ServicePort.Number(443),
                "LoadBalancer shop/web: ingress host name lb.example.com"));
    assertThat(failed(query, withIngress(lb, List.of()), List.of()).kind())
        .isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(failed(query, WEB, List.of()).message())
        .isEqualTo(
            "Service shop/web: type ClusterIP has no load balancer (expected: type LoadBalancer"
                + " for the loadBalancer access mode)");
  }

  @Test
  void accessMode_parsesTheTargetSpellings() {
    assertThat(AccessMode.parse("pods")).isEqualTo(AccessMode.PODS);
    assertThat(AccessMode.parse("nodePort")).isEqualTo(AccessMode.NODE_PORT);
    assertThat(AccessMode.parse("loadbalancer")).isEqualTo(AccessMode.LOAD_BALANCER);
    assertThat(AccessMode.NODE_PORT).hasToString("nodePort");
    assertThatThrownBy(() -> AccessMode.parse("node-port"))
        .hasMessage("access mode: \"node-port\" (expected: pods, nodePort or loadBalancer)");
  }

  // --- helpers ---

  private static ServiceEndpoints.Query pods(ServicePort port) {
    return new ServiceEndpoints.Query("shop", "web", port, AccessMode.PODS);
  }

  private static EndpointSet resolved(
      ServiceEndpoints.Query query, ServiceObject service, Collection<SliceObject> slices) {
    return resolved(ServiceEndpoints.assemble(query, service, slices, List.of(), API, NOW));
  }

  private static EndpointSet resolved(Assembled assembled) {
    if (assembled instanceof Assembled.Result r
        && r.result() instanceof ResolutionResult.Resolved ok) {
      return ok.endpoints();
    }
    throw new AssertionError("expected a snapshot, got " + assembled);
  }

  private static ResolutionError failed(
      ServiceEndpoints.Query query, ServiceObject service, Collection<SliceObject> slices) {
    Assembled assembled = ServiceEndpoints.assemble(query, service, slices, List.of(), API, NOW);
    if (assembled instanceof Assembled.Result r
        && r.result() instanceof ResolutionResult.Failed f) {
      return f.error();
    }
    throw new AssertionError("expected an error, got " + assembled);
  }

  private static SliceObject slice(
      String name,
      String service,
      String portName,
      int port,
      SliceObject.SliceEndpoint... endpoints) {
    return new SliceObject(
        "shop",
        name,
        "1",
        service,
        "IPv4",
        List.of(endpoints),
        List.of(new SliceObject.SlicePort(portName, "TCP", port, null)));
  }

  private static SliceObject.SliceEndpoint endpoint(String ip, Boolean ready) {
    return new SliceObject.SliceEndpoint(
        List.of(ip(ip)), ready, null, null, null, null, null, null, List.of(), List.of());
  }

  private static java.net.InetAddress ip(String text) {
    return IpAddresses.parseLiteral(text);
  }

  private static ServiceObject withIngress(ServiceObject s, List<ServiceObject.Ingress> ingress) {
    return new ServiceObject(
        s.namespace(),
        s.name(),
        s.uid(),
        s.resourceVersion(),
        s.type(),
        s.clusterIPs(),
        s.headless(),
        s.ports(),
        s.externalName(),
        s.sessionAffinity(),
        s.affinityTimeoutSeconds(),
        s.trafficDistribution(),
        s.internalTrafficPolicy(),
        s.externalTrafficPolicy(),
        s.publishNotReadyAddresses(),
        ingress,
        s.hasSelector());
  }
}
