package dev.discovery.api;

import static dev.discovery.api.Endpoints.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.ResolverRegistry;
import dev.discovery.testkit.clock.FakeScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalancerTest {
  private final FakeScheduler scheduler = FakeScheduler.create();
  private final ScriptedProvider scripted = new ScriptedProvider("fake");
  private final Discovery discovery =
      ScriptedProvider.discovery(scheduler, ResolverRegistry.of(scripted));
  private final ServiceWatch watch = discovery.watch("fake:///web.shop:http");

  @AfterEach
  void close() {
    discovery.close();
  }

  private ScriptedProvider.Scripted resolver() {
    return scripted.only();
  }

  @Test
  void pick_beforeAnySnapshot_saysResolutionIsPending() {
    Balancer b = watch.balancer(Policies.random());
    assertThatThrownBy(b::pick)
        .isInstanceOf(NoEndpointAvailableException.class)
        .hasMessage("no endpoints for fake:///web.shop:http yet: resolution pending");
  }

  @Test
  void pick_afterAFailureWithNoSnapshot_namesTheError() {
    Balancer b = watch.balancer(Policies.random());
    resolver().fail(ResolutionError.unavailable("DNS server 127.0.0.1:53 did not answer"));
    assertThatThrownBy(() -> b.pick("k"))
        .hasMessage(
            "no endpoints for fake:///web.shop:http yet; last error: DNS server 127.0.0.1:53 did"
                + " not answer");
  }

  @Test
  void pick_withAnEmptyService_saysSo() {
    Balancer b = watch.balancer(Policies.sticky());
    resolver().publish();
    assertThatThrownBy(b::pick)
        .isInstanceOf(NoEndpointAvailableException.class)
        .hasMessageStartingWith("no endpoints for fake:///web.shop:http: the Service has none");
  }

  @Test
  void pick_withNoneReady_saysSo() {
    Balancer b = watch.balancer(Policies.random());
    resolver().publish(ready("10.0.0.1", 80).toBuilder().ready(false).build());
    assertThatThrownBy(b::pick)
        .hasMessage(
            "no endpoints for fake:///web.shop:http: 1 endpoints, none ready and none serving"
                + " while terminating");
  }

  @Test
  void pick_onlyReturnsReadyEndpoints() {
    Balancer b = watch.balancer(Policies.random(new Random(1)));
    Endpoint up = ready("10.0.0.1", 80);
    Endpoint down = ready("10.0.0.2", 80).toBuilder().ready(false).build();
    Endpoint draining = ready("10.0.0.3", 80).toBuilder().ready(false).terminating(true).build();
    resolver().publish(up, down, draining);
    for (int i = 0; i < 200; i++) {
      assertThat(b.pick()).isEqualTo(up);
      assertThat(b.pick("key-" + i)).isEqualTo(up);
    }
  }

  @Test
  void pick_withNoneReady_fallsBackToServingTerminating() {
    Balancer b = watch.balancer(Policies.random(new Random(1)));
    Endpoint down = ready("10.0.0.2", 80).toBuilder().ready(false).build();
    Endpoint draining = ready("10.0.0.3", 80).toBuilder().ready(false).terminating(true).build();
    resolver().publish(down, draining);
    assertThat(b.pick()).isEqualTo(draining);
  }

  @Test
  void pick_followsEveryChange() {
    Balancer b = watch.balancer(Policies.random(new Random(2)));
    resolver().publish(ready("10.0.0.1", 80));
    assertThat(b.pick()).isEqualTo(ready("10.0.0.1", 80));
    resolver().publish(ready("10.0.0.2", 80));
    assertThat(b.pick()).isEqualTo(ready("10.0.0.2", 80));
  }

  @Test
  void pick_afterAFailure_keepsUsingTheLastGoodList() {
    Balancer b = watch.balancer(Policies.random());
    resolver().publish(ready("10.0.0.1", 80));
    resolver().fail(ResolutionError.unavailable("timeout"));
    assertThat(b.pick()).isEqualTo(ready("10.0.0.1", 80));
  }

  /** Chi-square goodness of fit of 30,000 random picks over 3..20 endpoints, seeded. */
  @ParameterizedTest
  @ValueSource(ints = {3, 7, 20})
  void random_isUniform(int n) {
    Balancer b = watch.balancer(Policies.random(new Random(n)));
    List<Endpoint> endpoints = Endpoints.random(new Random(n), n);
    resolver().publish(endpoints.toArray(new Endpoint[0]));
    int picks = 30_000;
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(b.pick(), 1, Integer::sum);
    }
    double expected = (double) picks / n;
    double chi2 =
        counts.values().stream().mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
    // Critical values of chi-square at p = 0.001 for n-1 degrees of freedom.
    double critical = Map.of(3, 13.816, 7, 22.458, 20, 43.820).get(n);
    assertThat(counts).hasSize(n);
    assertThat(chi2).isLessThan(critical);
  }

  @Test
  void sticky_sameKeySameEndpoint_evenThroughTheJavaPickerDirectly() {
    Balancer b = watch.balancer(Policies.sticky());
    List<Endpoint> endpoints = Endpoints.random(new Random(4), 10);
    resolver().publish(endpoints.toArray(new Endpoint[0]));
    Picker<Endpoint> direct = Policies.sticky().newPicker(Candidates.ofEndpoints(endpoints));
    for (int i = 0; i < 1000; i++) {
      String key = "user-" + i;
      assertThat(b.pick(key)).isEqualTo(b.pick(key)).isEqualTo(direct.pick(key));
    }
  }

  @Test
  void sticky_readinessFlap_ofOneEndpoint_movesItsKeys_andAtMostTwoPercentOfOthers() {
    Balancer b = watch.balancer(Policies.sticky());
    List<Endpoint> endpoints = Endpoints.random(new Random(5), 5);
    resolver().publish(endpoints.toArray(new Endpoint[0]));
    Map<String, Endpoint> before = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      before.put("k" + i, b.pick("k" + i));
    }
    Endpoint flapping = endpoints.get(0);
    Endpoint[] flapped = endpoints.toArray(new Endpoint[0]);
    flapped[0] = flapping.toBuilder().ready(false).build();
    resolver().publish(flapped);
    int others = 0;
    int moved = 0;
    for (Map.Entry<String, Endpoint> e : before.entrySet()) {
      Endpoint now = b.pick(e.getKey());
      assertThat(now).isNotEqualTo(flapping);
      if (!e.getValue().equals(flapping)) {
        others++;
        moved += now.equals(e.getValue()) ? 0 : 1;
      }
    }
    assertThat((double) moved / others).isLessThanOrEqualTo(0.02);

    resolver().publish(endpoints.toArray(new Endpoint[0])); // ready again
    before.forEach(
        (k, e) -> assertThat(b.pick(k)).as("back to the same mapping: " + k).isEqualTo(e));
  }

  @Test
  void affinity_keepsAKeysEndpoint_whenANewEndpointWouldTakeIt_untilIdleTimeout() {
    Balancer pure = watch.balancer(Policies.sticky());
    Balancer affine = watch.balancer(Policies.sticky(Affinity.of(Duration.ofMinutes(10))));
    List<Endpoint> endpoints = Endpoints.random(new Random(6), 11);
    resolver().publish(endpoints.subList(0, 10).toArray(new Endpoint[0]));
    Map<String, Endpoint> first = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      first.put("k" + i, affine.pick("k" + i));
    }

    resolver().publish(endpoints.toArray(new Endpoint[0])); // one endpoint added
    Set<String> movedByHash = new HashSet<>();
    first.forEach(
        (k, e) -> {
          if (!pure.pick(k).equals(e)) {
            movedByHash.add(k);
          }
          assertThat(affine.pick(k)).as(k).isEqualTo(e);
        });
    assertThat(movedByHash).as("the pure hash moves some keys to the new endpoint").isNotEmpty();

    scheduler.advance(Duration.ofMinutes(10).plusSeconds(1));
    for (String k : movedByHash) {
      assertThat(affine.pick(k))
          .as("after the idle timeout %s follows the hash", k)
          .isEqualTo(pure.pick(k));
    }
  }

  @Test
  void affinity_movesAKey_whenItsEndpointLeaves() {
    Balancer affine = watch.balancer(Policies.sticky(Affinity.clientIp()));
    List<Endpoint> endpoints = Endpoints.random(new Random(8), 4);
    resolver().publish(endpoints.toArray(new Endpoint[0]));
    Endpoint mine = affine.pick("me");
    List<Endpoint> rest = new java.util.ArrayList<>(endpoints);
    rest.remove(mine);
    resolver().publish(rest.toArray(new Endpoint[0]));
    assertThat(affine.pick("me")).isIn(rest);
  }

  @Test
  void affinity_refusesKubernetesInvalidTimeouts() {
    assertThatThrownBy(() -> Affinity.of(Duration.ZERO))
        .hasMessage("timeout: 0s (expected: more than 0 and at most 86400s)");
    assertThatThrownBy(() -> Affinity.of(Duration.ofSeconds(86401)))
        .hasMessage("timeout: 86401s (expected: more than 0 and at most 86400s)");
    assertThat(Affinity.clientIp().timeout()).isEqualTo(Duration.ofSeconds(10800));
  }

  @Test
  void byName_findsTheBuiltInPolicies_andNamesThemOnAMiss() {
    assertThat(Policies.byName("random").name()).isEqualTo("random");
    assertThat(Policies.byName("sticky").keyed()).isTrue();
    assertThat(Policies.names()).contains("random", "sticky");
    assertThatThrownBy(() -> Policies.byName("round_robin"))
        .hasMessageStartingWith("policy: \"round_robin\" (expected one of: ")
        .hasMessageContaining("random")
        .hasMessageContaining("sticky");
  }

  @Test
  void closedBalancer_keepsItsLastPicker() {
    Balancer b = watch.balancer(Policies.random());
    resolver().publish(ready("10.0.0.1", 80));
    b.close();
    resolver().publish(ready("10.0.0.2", 80));
    assertThat(b.pick()).isEqualTo(ready("10.0.0.1", 80));
  }
}
