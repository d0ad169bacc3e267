package dev.discovery.api;

import static dev.discovery.api.Endpoints.ip;
import static dev.discovery.api.Endpoints.ready;
import static dev.discovery.api.Endpoints.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointSetTest {

  @Test
  void endpoints_areKeptInCanonicalOrder_whateverTheAnswerOrder() {
    List<Endpoint> shuffled =
        new ArrayList<>(
            List.of(
                ready("::1", 80),
                ready("10.0.0.2", 80),
                ready("10.0.0.10", 80),
                ready("10.0.0.2", 79),
                ready("9.255.255.255", 80)));
    Collections.shuffle(shuffled, new Random(7));
    EndpointSet s = set(shuffled.toArray(new Endpoint[0]));
    assertThat(s.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly(
            "9.255.255.255:80", "10.0.0.2:79", "10.0.0.2:80", "10.0.0.10:80", "[::1]:80");
  }

  @Test
  void sameIdentityTwice_isRefused() {
    assertThatThrownBy(() -> set(ready("10.0.0.1", 80), ready("10.0.0.1", 80)))
        .hasMessage("endpoints: 10.0.0.1:80 appears twice (expected: each IP and port once)");
  }

  @Test
  void change_ignoresRevisionTimeTtlAndOrder() {
    EndpointSet a = set(ready("10.0.0.1", 80), ready("10.0.0.2", 80));
    EndpointSet b =
        EndpointSet.builder(ServiceKind.HEADLESS, Source.of("test"))
            .add(ready("10.0.0.2", 80))
            .add(ready("10.0.0.1", 80))
            .resolvedAt(Instant.parse("2030-01-01T00:00:00Z"))
            .ttl(Duration.ofSeconds(30))
            .build()
            .withRevision(9);
    assertThat(b.isChangeFrom(a)).isFalse();
  }

  @Test
  void change_isAnyAttributeKindSourceOrAlias() {
    EndpointSet base = set(ready("10.0.0.1", 80));
    Endpoint notReady = ready("10.0.0.1", 80).toBuilder().ready(false).build();
    Endpoint zoned = ready("10.0.0.1", 80).toBuilder().zone("a").build();
    assertThat(set(notReady).isChangeFrom(base)).isTrue();
    assertThat(set(zoned).isChangeFrom(base)).isTrue();
    assertThat(base.withSource(Source.of("dns")).isChangeFrom(base)).isTrue();
    assertThat(
            EndpointSet.builder(ServiceKind.CLUSTER_IP, Source.of("test"))
                .add(ready("10.0.0.1", 80))
                .build()
                .isChangeFrom(base))
        .isTrue();
    assertThat(
            EndpointSet.builder(ServiceKind.HEADLESS, Source.of("test"))
                .add(ready("10.0.0.1", 80))
                .aliases(List.of("a.example.com"))
                .build()
                .isChangeFrom(base))
        .isTrue();
    assertThat(base.isChangeFrom(null)).isTrue();
  }

  @Test
  void attributes_areSortedImmutableAndPartOfAChange() {
    EndpointSet base = set(ready("10.0.0.1", 80));
    EndpointSet affinity =
        EndpointSet.builder(ServiceKind.HEADLESS, Source.of("test"))
            .add(ready("10.0.0.1", 80))
            .attribute("z.last", "1")
            .attribute("a.first", "2")
            .build();
    assertThat(base.attributes()).isEmpty();
    assertThat(affinity.attributes().keySet()).containsExactly("a.first", "z.last");
    assertThat(affinity.isChangeFrom(base)).isTrue();
    assertThat(affinity.withRevision(3).isChangeFrom(affinity)).isFalse();
    assertThat(affinity.withRevision(3).attributes()).isEqualTo(affinity.attributes());
    assertThat(affinity.summary()).endsWith(" attributes={a.first=2, z.last=1}");
    assertThatThrownBy(() -> affinity.attributes().put("b", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void eligible_isTheReadyOnes() {
    Endpoint a = ready("10.0.0.1", 80);
    Endpoint b = ready("10.0.0.2", 80).toBuilder().ready(false).build();
    Endpoint c = ready("10.0.0.3", 80).toBuilder().ready(false).terminating(true).build();
    assertThat(set(a, b, c).eligible()).containsExactly(a);
  }

  @Test
  void eligible_fallsBackToServingTerminating_whenNoneIsReady() {
    Endpoint notServing = ready("10.0.0.1", 80).toBuilder().ready(false).serving(false).build();
    Endpoint draining = ready("10.0.0.2", 80).toBuilder().ready(false).terminating(true).build();
    Endpoint gone =
        ready("10.0.0.3", 80).toBuilder().ready(false).serving(false).terminating(true).build();
    assertThat(set(notServing, draining, gone).eligible()).containsExactly(draining);
    assertThat(set(notServing, gone).eligible()).isEmpty();
  }

  @Test
  void endpoint_refusesReadyAndTerminating_andBadPorts() {
    assertThatThrownBy(() -> ready("10.0.0.1", 80).toBuilder().terminating(true).build())
        .hasMessageContaining("a terminating endpoint is never ready");
    assertThatThrownBy(() -> Endpoint.of(ip("10.0.0.1"), 70000))
        .hasMessage("port: 70000 (expected: 1..65535)");
  }

  @Test
  void endpoint_printsIpv6InBrackets_compressed() {
    assertThat(ready("2001:db8:0:0:0:0:0:1", 443).hostPort()).isEqualTo("[2001:db8::1]:443");
  }
}
