package dev.discovery.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.EndpointSlice;
import dev.discovery.testkit.IpFamily;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Protocol;
import dev.discovery.testkit.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The documents under {@code api/} restate examples of the Kubernetes API reference (v1.34). Each
 * parses into an object and writes back to the same JSON tree, once the fields the fake cluster
 * does not model are stripped (each test names them).
 */
class ApiJsonTest {

  @Test
  void anEndpointSliceBookmark_isTheEmptyObject_asTheApiServerEncodesIt() {
    String line = ApiJson.write(ApiJson.bookmark("EndpointSlice", 42, true));

    assertThat(line)
        .isEqualTo(
            "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\","
                + "\"metadata\":{\"resourceVersion\":\"42\",\"creationTimestamp\":null,"
                + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}},"
                + "\"addressType\":\"\",\"endpoints\":null,\"ports\":null}");
  }

  @Test
  void endpointSlice_roundTrips() {
    // Not modelled: metadata.generation, annotations and managedFields.
    Map<String, Object> doc =
        strip(
            read("endpointslice.json"),
            "metadata.generation",
            "metadata.annotations",
            "metadata.managedFields");

    EndpointSlice slice = (EndpointSlice) ApiJson.fromJson(doc);

    assertThat(slice.managedByController()).isTrue();
    assertThat(slice.ownerUid()).isEqualTo("0b3f5b0e-9d0c-4a8e-8f2f-5d9a6c7e8f10");
    assertThat(slice.resourceVersion()).isEqualTo(2177);
    EndpointSlice.Endpoint first = slice.endpoints().get(0);
    assertThat(first.forZones()).containsExactly("us-west2-a");
    assertThat(first.forNodes()).containsExactly("node-1");
    assertThat(first.podUid()).isEqualTo("a4c2e8b1-6f3d-4e2a-9b7c-1d2e3f4a5b6c");
    EndpointSlice.Endpoint second = slice.endpoints().get(1);
    assertThat(List.of(second.ready(), second.serving(), second.terminating()))
        .containsExactly(false, true, true);
    assertThat(second.forZones()).isEmpty();
    assertRoundTrip(doc, slice);
  }

  @Test
  void service_roundTrips() {
    // Not modelled: a Service's labels and annotations.
    Map<String, Object> doc =
        strip(read("service.json"), "metadata.labels", "metadata.annotations");

    Service service = (Service) ApiJson.fromJson(doc);

    assertThat(service.port("https").targetPort().toString()).contains("web");
    assertThat(service.port("metrics").nodePort()).isEqualTo(31090);
    assertThat(service.sessionAffinityTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(service.internalTrafficPolicy()).isEqualTo(Service.TrafficPolicy.LOCAL);
    assertThat(service.trafficDistribution()).isEqualTo("PreferClose");
    assertThat(service.loadBalancerIngress().get(0).ip().getHostAddress()).isEqualTo("192.0.2.127");
    assertRoundTrip(doc, service);
  }

  @Test
  void node_roundTrips() {
    // Not modelled: annotations, spec.podCIDR(s), capacity, allocatable, nodeInfo, conditions
    // other than Ready, and a condition's times and message.
    Map<String, Object> doc =
        strip(
            read("node.json"),
            "metadata.annotations",
            "spec.podCIDR",
            "spec.podCIDRs",
            "status.capacity",
            "status.allocatable",
            "status.nodeInfo",
            "status.conditions[].lastHeartbeatTime",
            "status.conditions[].lastTransitionTime",
            "status.conditions[].message");
    keepConditions(doc, "Ready");

    Node node = (Node) ApiJson.fromJson(doc);

    assertThat(node.zone()).isEqualTo("us-west2-a");
    assertThat(node.ready()).isTrue();
    assertThat(node.labels()).containsOnlyKeys("kubernetes.io/arch", "kubernetes.io/os");
    assertThat(node.addresses().get(0).getHostAddress()).isEqualTo("10.0.0.5");
    assertRoundTrip(doc, node);
  }

  @Test
  void pod_roundTrips() {
    // Not modelled: generateName, ownerReferences, the container's image and settings (its name
    // is always "app"), the pod's scheduling settings, hostIP, startTime, qosClass, conditions
    // other than Ready, and a condition's times.
    Map<String, Object> doc =
        strip(
            read("pod.json"),
            "metadata.generateName",
            "metadata.ownerReferences",
            "spec.containers[].image",
            "spec.containers[].resources",
            "spec.containers[].terminationMessagePath",
            "spec.containers[].imagePullPolicy",
            "spec.restartPolicy",
            "spec.terminationGracePeriodSeconds",
            "spec.dnsPolicy",
            "spec.schedulerName",
            "status.hostIP",
            "status.startTime",
            "status.qosClass",
            "status.conditions[].lastProbeTime",
            "status.conditions[].lastTransitionTime");
    keepConditions(doc, "Ready");

    Pod pod = (Pod) ApiJson.fromJson(doc);

    assertThat(pod.terminating()).isTrue();
    assertThat(pod.ready()).isTrue();
    assertThat(pod.ips()).hasSize(2);
    assertThat(pod.ip(IpFamily.IPV6).getHostAddress()).startsWith("fd00:10:244:1:");
    assertThat(pod.ports()).hasSize(2);
    assertThat(pod.subdomain()).isEqualTo("web");
    assertRoundTrip(doc, pod);
  }

  @Test
  void watchEvent_ofAHandMadeSlice_roundTrips() {
    Map<String, Object> doc = read("watchevent.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) doc.get("object");

    EndpointSlice slice = (EndpointSlice) ApiJson.fromJson(object);

    assertThat(slice.managedBy()).isEqualTo("my-controller.example.com");
    assertThat(slice.ownerUid()).isNull();
    assertThat(slice.addressType()).isEqualTo(IpFamily.IPV6);
    assertThat(slice.ports()).containsExactly(new EndpointSlice.Port(null, Protocol.UDP, 53, null));
    assertThat(slice.endpoints().get(0).podName()).isNull();
    assertThat(
            ApiJson.watchEvent(
                (String) doc.get("type"), ApiJson.toJson(slice, ApiJson.metadataOf(object))))
        .isEqualTo(doc);
  }

  @Test
  void status_isWrittenAsTheServerWritesIt() {
    assertThat(
            ApiJson.status(
                404,
                "NotFound",
                "endpointslices.discovery.k8s.io \"web-x7k2p\" not found",
                "web-x7k2p",
                "discovery.k8s.io",
                "endpointslices"))
        .isEqualTo(read("status.json"));
  }

  @Test
  void write_isCompactOnOneLine_withNullForTheEndpointsOfAnEmptySlice() {
    EndpointSlice empty =
        new EndpointSlice(
            "shop",
            "web-00001",
            "web",
            IpFamily.IPV4,
            List.of(),
            List.of(),
            7,
            EndpointSlice.CONTROLLER,
            Map.of(),
            null);
    var meta =
        new dev.discovery.testkit.ObjectMetadata(
            "u-1", 7, java.time.Instant.parse("2026-11-30T12:00:00Z"));

    String json = ApiJson.write(ApiJson.toJson(empty, meta));

    assertThat(json)
        .doesNotContain("\n")
        .startsWith("{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",")
        .contains("\"resourceVersion\":\"7\"")
        .contains("\"creationTimestamp\":\"2026-11-30T12:00:00Z\"")
        .contains("\"generateName\":\"web-\"")
        .endsWith("\"addressType\":\"IPv4\",\"endpoints\":null,\"ports\":null}");
    assertThat(ApiJson.fromJson(ApiJson.read(json))).isEqualTo(empty);
  }

  @Test
  void list_carriesTheResourceVersionAsAString() {
    assertThat(
            ApiJson.write(ApiJson.list("EndpointSliceList", "discovery.k8s.io/v1", 42, List.of())))
        .isEqualTo(
            "{\"kind\":\"EndpointSliceList\",\"apiVersion\":\"discovery.k8s.io/v1\","
                + "\"metadata\":{\"resourceVersion\":\"42\"},\"items\":[]}");
  }

  @Test
  void fromJson_ofAnotherKind_namesTheKindsItReads() {
    assertThatThrownBy(() -> ApiJson.fromJson(Map.of("kind", "ConfigMap", "metadata", Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "kind: \"ConfigMap\" (expected: Namespace, Node, Pod, Service or EndpointSlice)");
  }

  private static void assertRoundTrip(Map<String, Object> doc, ClusterObject object) {
    Map<String, Object> written = ApiJson.toJson(object, ApiJson.metadataOf(doc));
    assertThat(written).isEqualTo(doc);
    assertThat(ApiJson.read(ApiJson.write(written))).isEqualTo(doc);
    assertThat(ApiJson.fromJson(written)).isEqualTo(object);
  }

  static Map<String, Object> read(String name) {
    try (InputStream in = ApiJsonTest.class.getResourceAsStream("/api/" + name)) {
      return ApiJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Removes each path: {@code a.b} from nested maps, {@code a[].b} from every item of list a. */
  private static Map<String, Object> strip(Map<String, Object> doc, String... paths) {
    for (String path : paths) {
      strip(doc, List.of(path.split("\\.")));
    }
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static void strip(Object node, List<String> path) {
    String head = path.get(0);
    boolean each = head.endsWith("[]");
    String key = each ? head.substring(0, head.length() - 2) : head;
    Map<String, Object> map = (Map<String, Object>) node;
    if (path.size() == 1) {
      assertThat(map).as("field to strip").containsKey(key);
      map.remove(key);
      return;
    }
    List<String> rest = path.subList(1, path.size());
    if (each) {
      for (Object item : (List<Object>) map.get(key)) {
        if (((Map<String, Object>) item).containsKey(rest.get(0)) || rest.size() > 1) {
          strip(item, rest);
        }
      }
    } else {
      strip(map.get(key), rest);
    }
  }

  @SuppressWarnings("unchecked")
  private static void keepConditions(Map<String, Object> doc, String type) {
    Map<String, Object> status = (Map<String, Object>) doc.get("status");
    List<Object> conditions = new ArrayList<>((List<Object>) status.get("conditions"));
    conditions.removeIf(c -> !type.equals(((Map<String, Object>) c).get("type")));
    status.put("conditions", conditions);
  }
}
