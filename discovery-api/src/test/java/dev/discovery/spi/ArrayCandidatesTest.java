package dev.discovery.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrayCandidatesTest {

  /**
   * Property: whatever the input order, candidates come out canonical and every identity is found.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void anyOrder_becomesCanonical_andEveryIdentityIsFound(long seed) throws Exception {
    Random random = new Random(seed);
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[random.nextInt(3) == 0 ? 16 : 4];
      random.nextBytes(b);
      Endpoint e = Endpoint.of(InetAddress.getByAddress(b), 1 + random.nextInt(3));
      if (endpoints.stream().noneMatch(x -> x.sameIdentity(e))) {
        endpoints.add(e);
      }
    }
    Collections.shuffle(endpoints, random);
    List<String> items = endpoints.stream().map(Endpoint::hostPort).toList();
    ArrayCandidates<String> c = ArrayCandidates.of(items, endpoints, Map.of());

    List<Endpoint> expected = new ArrayList<>(endpoints);
    expected.sort(EndpointSet.CANONICAL_ORDER);
    for (int i = 0; i < c.size(); i++) {
      assertThat(c.endpoint(i)).isEqualTo(expected.get(i));
      assertThat(c.item(i))
          .as("items move with their endpoints")
          .isEqualTo(expected.get(i).hostPort());
      assertThat(c.indexOf(expected.get(i).address())).isEqualTo(i);
    }
    assertThat(c.indexOf(new InetSocketAddress(InetAddress.getByName("127.9.9.9"), 9)))
        .isEqualTo(-1);
  }

  @Test
  void attributes_areTheSnapshotsAndCannotChangeUnderThePicker() throws Exception {
    Endpoint e = Endpoint.of(InetAddress.getByName("127.0.1.1"), 80);
    Map<String, String> facts = new HashMap<>(Map.of("k8s.trafficDistribution", "PreferSameZone"));
    Candidates<Endpoint> c = Candidates.of(List.of(e), List.of(e), facts);
    facts.clear();

    assertThat(c.attributes())
        .containsExactly(Map.entry("k8s.trafficDistribution", "PreferSameZone"));
    assertThat(Candidates.ofEndpoints(List.of(e)).attributes()).isEmpty();
  }
}
