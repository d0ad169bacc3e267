package dev.discovery.bench.pick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.bench.Fixtures;
import dev.discovery.bench.Key;
import dev.discovery.bench.WatchFixture;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceInstance;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every implementation measured does the same job over the same endpoints. */
class PeersTest {
  private static final List<Endpoint> ENDPOINTS = Fixtures.endpoints(5);
  private static final Set<String> HOST_PORTS = Set.copyOf(Fixtures.hostPorts(ENDPOINTS));

  @Test
  void grpcRoundRobin_drivenThroughGrpcApi_cyclesThroughEveryEndpoint() {
    try (GrpcPolicyDriver driver = GrpcPolicyDriver.start("round_robin", ENDPOINTS, Map.of())) {
      LoadBalancer.PickSubchannelArgs args = GrpcPolicyDriver.args(new Metadata());
      Set<Endpoint> seen = new HashSet<>();
      for (int i = 0; i < ENDPOINTS.size(); i++) {
        seen.add(driver.endpointOf(driver.picker().pickSubchannel(args).getSubchannel()));
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(ENDPOINTS);
    }
  }

  @Test
  void ourGrpcRandom_drivenThroughGrpcApi_picksAmongEveryEndpoint() {
    try (GrpcPolicyDriver driver = GrpcPolicyDriver.start("random", ENDPOINTS, Map.of())) {
      LoadBalancer.PickSubchannelArgs args = GrpcPolicyDriver.args(new Metadata());
      Set<Endpoint> seen = new HashSet<>();
      for (int i = 0; i < 500; i++) {
        seen.add(driver.endpointOf(driver.picker().pickSubchannel(args).getSubchannel()));
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(ENDPOINTS);
    }
  }

  @Test
  void ourGrpcSticky_keyInTheHeader_picksWhatTheJavaApiPicks() {
    Picker<Endpoint> java = Policies.sticky().newPicker(Candidates.ofEndpoints(ENDPOINTS));
    try (GrpcPolicyDriver driver =
        GrpcPolicyDriver.start(
            "sticky", ENDPOINTS, Map.of("header", GrpcStickyPickBenchmark.HEADER))) {
      Set<Endpoint> seen = new HashSet<>();
      for (Key k : Key.set(16, 9)) {
        String key = k.toString();
        LoadBalancer.PickSubchannelArgs args =
            GrpcPolicyDriver.args(GrpcStickyPickBenchmark.headers(key));
        Endpoint picked = driver.endpointOf(driver.picker().pickSubchannel(args).getSubchannel());
        assertThat(picked).as(key).isEqualTo(java.pick(key));
        assertThat(args.getHeaders().get(GrpcStickyPickBenchmark.HEADER_KEY)).isEqualTo(key);
        seen.add(picked);
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(ENDPOINTS);
    }
  }

  @Test
  void grpcDriver_unknownPolicy_namesIt() {
    assertThatThrownBy(() -> GrpcPolicyDriver.start("no_such_policy", ENDPOINTS, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "policy: \"no_such_policy\" (expected: a policy registered with grpc's registry)");
  }

  @Test
  void armeriaRoundRobin_cyclesThroughEveryEndpoint() {
    EndpointSelector selector =
        Peers.armeriaSelector(EndpointSelectionStrategy.roundRobin(), ENDPOINTS);
    var ctx = Peers.armeriaContext(null);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < ENDPOINTS.size(); i++) {
      seen.add(hostPort(selector.selectNow(ctx)));
    }
    assertThat(seen).isEqualTo(HOST_PORTS);
  }

  @Test
  void armeriaSticky_hashesTheKeyCharacters_sameKeySameEndpoint() {
    EndpointSelector selector = Peers.armeriaSelector(Peers.armeriaSticky(), ENDPOINTS);
    Key[] keys = Key.set(16, 3);
    Set<String> seen = new HashSet<>();
    for (Key k : keys) {
      String first = hostPort(selector.selectNow(Peers.armeriaContext(k)));
      String again = hostPort(selector.selectNow(Peers.armeriaContext(new Key(k.toString()))));
      assertThat(again).isEqualTo(first);
      seen.add(first);
    }
    assertThat(seen).isEqualTo(HOST_PORTS);
  }

  @Test
  void storkRandom_overStaticInstances_picksAmongAllEndpoints() {
    Service service = Peers.storkRandom("peers-test", ENDPOINTS);
    List<ServiceInstance> instances = Peers.storkInstances(service);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      ServiceInstance s = service.selectInstance(instances);
      seen.add(s.getHost() + ":" + s.getPort());
    }
    assertThat(instances).hasSize(ENDPOINTS.size());
    assertThat(seen).isEqualTo(HOST_PORTS);
  }

  @Test
  void discoveryBalancerThroughWatch_picksWhatThePickerPicks() {
    Picker<Endpoint> picker = Policies.sticky().newPicker(Candidates.ofEndpoints(ENDPOINTS));
    try (WatchFixture watch = WatchFixture.of(ENDPOINTS)) {
      Balancer balancer = watch.balancer(Policies.sticky());
      for (Key k : Key.set(36, 5)) {
        assertThat(balancer.pick(k)).isEqualTo(picker.pick(k));
      }
    }
  }

  @Test
  void key_refusesItsHashCode_soNoImplementationCanUseACachedHash() {
    Key k = new Key("0123456789abcdef");

    assertThatThrownBy(k::hashCode).isInstanceOf(UnsupportedOperationException.class);
    assertThat(k.toString()).isEqualTo("0123456789abcdef");
    assertThat(Key.set(16, 1)).hasSize(Key.KEYS_PER_SET).allMatch(x -> x.length() == 16);
  }

  private static String hostPort(com.linecorp.armeria.client.Endpoint e) {
    return e.host() + ":" + e.port();
  }
}
