package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.Environment;
import dev.discovery.api.ServiceWatch;
import dev.discovery.testkit.Node;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes sources tell zone-aware policies where the client runs: {@code client.zone} and
 * {@code client.node} on every snapshot, from {@code DISCOVERY_ZONE}, or from the zone label of the
 * Node that {@code NODE_NAME} names (API source).
 */
class ClientTopologyTest {
  private final ApiFixture api = new ApiFixture();
  private final DnsFixture dns = new DnsFixture();

  @AfterEach
  void stop() throws Exception {
    api.close();
    dns.close();
  }

  private void webInTwoZones() {
    api.cluster.apply(Node.builder("node-a").zone("zone-a").build());
    api.cluster.apply(Node.builder("node-b").zone("zone-b").build());
    api.cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    api.cluster.apply(
        Pod.builder("shop", "web-a")
            .label("app", "web")
            .containerPort("http", 8080)
            .node("node-a")
            .zone("zone-a")
            .build());
  }

  private static Environment env(Map<String, String> variables) {
    return Environment.of(variables, Map.<Path, String>of());
  }

  @Test
  void apiSource_readsTheZoneOfTheNodeNamedByNodeName() {
    webInTwoZones();
    api.start(env(Map.of("NODE_NAME", "node-b")), api.provider().build());

    ServiceWatch w = api.watch("k8s+api:///web.shop:http");
    EndpointSet set = api.awaitSet(w, s -> !s.isEmpty());

    assertThat(set.attributes())
        .containsEntry(EndpointSet.CLIENT_ZONE, "zone-b")
        .containsEntry(EndpointSet.CLIENT_NODE, "node-b");
    assertThat(api.api.requests().all())
        .as("one Node read, by name")
        .anyMatch(
            r ->
                r.resource().equals("nodes")
                    && r.query().getOrDefault("fieldSelector", "").equals("metadata.name=node-b"));
  }

  @Test
  void apiSource_anExplicitZone_winsAndNoNodeIsRead() {
    webInTwoZones();
    api.start(
        env(Map.of("NODE_NAME", "node-b", "DISCOVERY_ZONE", "zone-x")), api.provider().build());

    EndpointSet set = api.awaitSet(api.watch("k8s+api:///web.shop:http"), s -> !s.isEmpty());

    assertThat(set.attributes())
        .containsEntry(EndpointSet.CLIENT_ZONE, "zone-x")
        .containsEntry(EndpointSet.CLIENT_NODE, "node-b");
    assertThat(api.count("list", "nodes") + api.count("watch", "nodes")).isZero();
  }

  @Test
  void apiSource_withoutRightsToReadNodes_resolvesWithoutAZone() {
    webInTwoZones();
    api.api.faults().forbid("list", "nodes");
    api.start(env(Map.of("NODE_NAME", "node-b")), api.provider().build());

    ServiceWatch w = api.watch("k8s+api:///web.shop:http");
    EndpointSet set = api.awaitSet(w, s -> !s.isEmpty());

    assertThat(set.attributes())
        .doesNotContainKey(EndpointSet.CLIENT_ZONE)
        .containsEntry(EndpointSet.CLIENT_NODE, "node-b");
    assertThat(w.lastError()).as("the Service resolves; only the zone is unknown").isEmpty();
    assertThat(api.count("list", "nodes")).as("asked once, not retried forever").isEqualTo(1);
  }

  @Test
  void apiSource_withoutEitherVariable_setsNeither() {
    webInTwoZones();
    api.start(env(Map.of()), api.provider().build());

    EndpointSet set = api.awaitSet(api.watch("k8s+api:///web.shop:http"), s -> !s.isEmpty());

    assertThat(set.attributes())
        .doesNotContainKeys(EndpointSet.CLIENT_ZONE, EndpointSet.CLIENT_NODE);
  }

  @Test
  void dnsSource_takesTheZoneAndNodeFromTheEnvironment() {
    dns.cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("http", 80, "http").build());
    dns.cluster.apply(
        Pod.builder("shop", "web-a").label("app", "web").containerPort("http", 8080).build());
    Map<String, String> variables = Map.of("DISCOVERY_ZONE", "zone-a", "NODE_NAME", "node-a");
    dns.start(withVariables(DnsFixture.podEnvironment("shop"), variables));

    EndpointSet set = dns.awaitSet(dns.watch("web.shop:http"), s -> !s.isEmpty());

    assertThat(set.attributes())
        .containsEntry(EndpointSet.CLIENT_ZONE, "zone-a")
        .containsEntry(EndpointSet.CLIENT_NODE, "node-a");
  }

  private static Environment withVariables(Environment base, Map<String, String> variables) {
    return new Environment() {
      @Override
      public java.util.Optional<String> variable(String name) {
        return variables.containsKey(name)
            ? java.util.Optional.of(variables.get(name))
            : base.variable(name);
      }

      @Override
      public java.util.Optional<String> file(Path path) {
        return base.file(path);
      }
    };
  }
}
