package dev.discovery.k8s.internal.api;

import static dev.discovery.k8s.internal.api.ApiJson.map;
import static dev.discovery.k8s.internal.api.ApiJson.mapOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.spi.IpAddresses;
import dev.discovery.spi.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiModelTest {

  @Test
  void slice_readsEndpointsConditionsHintsAndPorts() {
    SliceObject s = ApiJson.slice("slice-web-a.json");
    assertThat(s.key()).isEqualTo("shop/web-7xk2p");
    assertThat(s.serviceName()).isEqualTo("web");
    assertThat(s.resourceVersion()).isEqualTo("48213");
    assertThat(s.ignoredReason()).isNull();
    assertThat(s.endpoints()).hasSize(3);
    SliceObject.SliceEndpoint first = s.endpoints().get(0);
    assertThat(first.addresses()).containsExactly(IpAddresses.parseLiteral("10.244.1.17"));
    assertThat(first.ready()).isNull();
    assertThat(first.hostname()).isEqualTo("web-0");
    assertThat(first.pod()).isEqualTo("web-6d9f7c-abcde");
    assertThat(first.forZones()).containsExactly("zone-a");
    SliceObject.SliceEndpoint draining = s.endpoints().get(1);
    assertThat(draining.terminating()).isTrue();
    assertThat(draining.forNodes()).containsExactly("node-b");
    assertThat(s.ports())
        .containsExactly(
            new SliceObject.SlicePort("http", "TCP", 8080, "http"),
            new SliceObject.SlicePort("grpc", "TCP", 9090, "kubernetes.io/h2c"));
  }

  @Test
  void conditions_nilMeaningsFollowTheApiReference() {
    SliceObject.SliceEndpoint unknown = ApiJson.slice("slice-web-a.json").endpoints().get(0);
    // ready nil = true, serving nil = ready, terminating nil = false
    assertThat(unknown.isReady()).isTrue();
    assertThat(unknown.isServing()).isTrue();
    assertThat(unknown.isTerminating()).isFalse();
    SliceObject.SliceEndpoint notReady =
        new SliceObject.SliceEndpoint(
            List.of(), false, null, null, null, null, null, null, List.of(), List.of());
    assertThat(notReady.isServing()).isFalse();
  }

  @Test
  void fqdnSlice_isIgnoredWithAReason() {
    SliceObject s = ApiJson.slice("slice-fqdn.json");
    assertThat(s.endpoints()).isEmpty();
    assertThat(s.ignoredReason())
        .isEqualTo(
            "EndpointSlice shop/web-fqdn: addressType FQDN is ignored (expected: IPv4 or IPv6;"
                + " FQDN slices carry names, not addresses)");
  }

  @Test
  void malformedSlice_isOneLineNamingObjectAndField() {
    String json =
        "{\"metadata\":{\"name\":\"web-abc12\",\"namespace\":\"shop\"},\"addressType\":\"IPv4\","
            + "\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]},{\"addresses\":[\"10.0.0.2\"]},"
            + "{\"addresses\":[\"10.0.0.3\"]},{\"addresses\":[\"x\"]}]}";
    assertThat(SliceObject.parse(mapOf(json)))
        .isEqualTo(
            new Parsed.Malformed<SliceObject>(
                "EndpointSlice shop/web-abc12: endpoints[3].addresses[0]: \"x\" (expected: an IP"
                    + " address)"));
  }

  @Test
  void malformedFields_nameWhatWasExpected() {
    assertThat(
            SliceObject.parse(
                mapOf(
                    "{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"addressType\":\"IPv4\","
                        + "\"endpoints\":[{\"addresses\":[\"::1\"]}]}")))
        .hasToString(
            "Malformed[message=EndpointSlice n/s: endpoints[0].addresses[0]: \"::1\" (expected: an"
                + " IPv4 address, as the addressType says)]");
    assertThat(
            ServiceObject.parse(
                mapOf(
                    "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
                        + "\"spec\":{\"ports\":[{\"port\":70000}]}}")))
        .hasToString(
            "Malformed[message=Service shop/web: spec.ports[0].port: 70000 (expected: 1..65535)]");
    assertThat(ServiceObject.parse(mapOf("{\"metadata\":{\"namespace\":\"shop\"}}")))
        .hasToString(
            "Malformed[message=Service shop/?: metadata.name: missing (expected: a string)]");
    assertThat(
            NodeObject.parse(
                mapOf("{\"metadata\":{\"name\":\"n1\"},\"status\":{\"conditions\":\"Ready\"}}")))
        .hasToString("Malformed[message=Node n1: status.conditions: \"Ready\" (expected: a list)]");
    assertThat(SliceObject.parse(null))
        .hasToString("Malformed[message=EndpointSlice: null (expected: a JSON object)]");
  }

  @Test
  void clusterIpService_readsPortsAffinityAndPolicies() {
    ServiceObject s = ApiJson.service("service-clusterip.json");
    assertThat(s.key()).isEqualTo("shop/web");
    assertThat(s.uid()).isEqualTo("3f1c6a2e-1b9d-4c55-9a77-0d2e8c1f4b10");
    assertThat(s.type()).isEqualTo("ClusterIP");
    assertThat(s.headless()).isFalse();
    assertThat(s.clusterIPs()).containsExactly(IpAddresses.parseLiteral("10.96.12.34"));
    assertThat(s.ports())
        .containsExactly(
            new ServiceObject.Port("http", "TCP", 80, new ServicePort.Name("http"), null, null),
            new ServiceObject.Port(
                "grpc", "TCP", 9000, new ServicePort.Number(9090), null, "kubernetes.io/h2c"));
    assertThat(s.sessionAffinity()).isEqualTo("ClientIP");
    assertThat(s.affinityTimeoutSeconds()).isEqualTo(600);
    assertThat(s.trafficDistribution()).isEqualTo("PreferSameZone");
    assertThat(s.hasSelector()).isTrue();
  }

  @Test
  void otherServiceTypes_areRead() {
    ServiceObject headless = ApiJson.service("service-headless.json");
    assertThat(headless.headless()).isTrue();
    assertThat(headless.clusterIPs()).isEmpty();
    assertThat(headless.type()).isEqualTo("ClusterIP");
    assertThat(headless.publishNotReadyAddresses()).isTrue();
    assertThat(headless.ports().get(0).name()).isEmpty();

    assertThat(ApiJson.service("service-nodeport.json").ports().get(0).nodePort()).isEqualTo(30080);

    ServiceObject lb = ApiJson.service("service-loadbalancer.json");
    assertThat(lb.clusterIPs()).hasSize(2);
    assertThat(lb.ingress())
        .containsExactly(
            new ServiceObject.Ingress(IpAddresses.parseLiteral("203.0.113.10"), null),
            new ServiceObject.Ingress(null, "web-1234.elb.example.com"),
            new ServiceObject.Ingress(IpAddresses.parseLiteral("203.0.113.11"), null));
    assertThat(lb.externalTrafficPolicy()).isEqualTo("Local");

    ServiceObject external = ApiJson.service("service-externalname.json");
    assertThat(external.type()).isEqualTo("ExternalName");
    assertThat(external.externalName()).isEqualTo("payments.example.com");
    assertThat(external.ports()).isEmpty();
  }

  @Test
  void node_readsAddressesReadinessAndZone() {
    NodeObject n = ApiJson.node("node-a.json");
    assertThat(n.name()).isEqualTo("node-a");
    assertThat(n.ready()).isTrue();
    assertThat(n.zone()).isEqualTo("zone-a");
    assertThat(n.addresses(NodeObject.INTERNAL_IP))
        .containsExactly(IpAddresses.parseLiteral("192.168.10.7"));
    assertThat(n.addresses(NodeObject.EXTERNAL_IP))
        .containsExactly(IpAddresses.parseLiteral("198.51.100.7"));
    assertThat(map("node-a.json")).containsKey("status");
  }
}
