package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void snapshot_hasEveryKey_absentValuesAsNull() throws Exception {
    EndpointSet set =
        EndpointSet.builder(
                ServiceKind.HEADLESS, Source.of("dns").withReason("API source not installed"))
            .add(Endpoint.builder(InetAddress.getByName("::1"), 80).build())
            .resolvedAt(Instant.parse("2025-01-02T03:04:05Z"))
            .build();

    Map<String, Object> m =
        JSON.std.mapFrom(
            Json.pretty(Json.snapshot("k8s:///web.shop:80", set, Duration.ofMillis(1500))));

    assertThat(m)
        .containsEntry("target", "k8s:///web.shop:80")
        .containsEntry("kind", "HEADLESS")
        .containsEntry("source", Map.of("name", "dns", "reason", "API source not installed"))
        .containsEntry("aliases", List.of())
        .containsEntry("revision", 0)
        .containsEntry("resolvedAt", "2025-01-02T03:04:05Z")
        .containsEntry("ttlSeconds", null)
        .containsEntry("stalenessSeconds", 1.5);
    @SuppressWarnings("unchecked")
    Map<String, Object> e = ((List<Map<String, Object>>) m.get("endpoints")).get(0);
    assertThat(e)
        .containsEntry("address", "::1")
        .containsEntry("port", 80)
        .containsEntry("hostname", null)
        .containsEntry("zone", null)
        .containsEntry("node", null)
        .containsEntry("ready", true)
        .containsEntry("serving", true)
        .containsEntry("terminating", false)
        .containsEntry("attributes", Map.of());
  }

  @Test
  void failure_namesTheKindAndMessage_onOneLine() throws Exception {
    String line = Json.line(Json.failure("t", ResolutionError.notFound("no such Service")));
    assertThat(line).doesNotContain("\n");
    assertThat(JSON.std.mapFrom(line))
        .isEqualTo(
            Map.of(
                "target", "t", "error", Map.of("kind", "NOT_FOUND", "message", "no such Service")));
  }
}
