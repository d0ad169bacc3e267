package dev.discovery.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the API harness runs with every peer and writes what the summary reads: a few changes, a
 * 300-endpoint Service in 3 slices, two Services watched for two seconds. Not a measurement; the
 * real run is {@code run-bench api}.
 */
class ApiBenchSmokeTest {
  @Test
  @SuppressWarnings("unchecked")
  void everyPeerDeliversEveryChange_andTheRequestLogIsKept(@TempDir Path results) throws Exception {
    Path file = ApiBench.write(ApiBench.Settings.smoke(), List.of(InformerPeer.FACTORY), results);

    Map<String, Object> out = JSON.std.mapFrom(Files.readString(file));
    Map<String, Object> delay = (Map<String, Object>) out.get("delay");
    Map<String, List<Number>> delays = (Map<String, List<Number>>) delay.get("delayNanos");
    assertThat(delays).containsOnlyKeys("api", "informer", "dns");
    assertThat(delays.values()).allSatisfy(d -> assertThat(d).hasSize(4));
    Map<String, Object> large = (Map<String, Object>) out.get("large");
    assertThat(large).containsEntry("pods", 300).containsEntry("slices", 3);
    assertThat((Map<String, List<Number>>) large.get("firstSnapshotNanos"))
        .containsOnlyKeys("api+sticky", "informer");
    assertThat((Map<String, List<Number>>) large.get("sliceUpdate"))
        .containsOnlyKeys("api+sticky", "informer", "allocatedBytes");
    assertThat(((Number) large.get("snapshotBytes")).longValue()).isPositive();
    Map<String, Object> requests = (Map<String, Object>) out.get("requests");
    List<Map<String, Object>> log = (List<Map<String, Object>>) requests.get("requests");
    assertThat(log).extracting(r -> r.get("service")).contains("svc0", "svc1");
    assertThat(log)
        .filteredOn(r -> r.get("verb").equals("watch"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("timeoutSeconds").toString()).isNotEmpty());
  }
}
