package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneFileTest {

  @Test
  void zoneFiles_passNamedCheckzone_andHoldTheClustersRecords(@TempDir Path dir)
      throws IOException, InterruptedException {
    FakeCluster cluster = KubernetesDnsConformanceTest.fixture();

    List<ZoneFile> zones =
        ZoneFile.of(cluster.snapshot(), Duration.ofSeconds(7), InetAddress.getLoopbackAddress());

    assertThat(zones)
        .extracting(ZoneFile::origin)
        .containsExactly("cluster.local", "in-addr.arpa", "ip6.arpa");
    assertThat(zones.get(0).text())
        .contains("$TTL 7")
        .contains("dns-version.cluster.local.\t7\tIN\tTXT\t\"1.1.0\"")
        .contains("api.shop.svc.cluster.local.\t7\tIN\tA\t127.1.0.10")
        .contains("db.shop.svc.cluster.local.\t7\tIN\tCNAME\tdb.example.com.");
    Path checkzone = BindServer.findNamed().orElseThrow().resolveSibling("named-checkzone");
    if (!Files.isExecutable(checkzone)) {
      checkzone = Path.of("/usr/bin/named-checkzone");
    }
    for (ZoneFile zone : zones) {
      Path file = zone.writeTo(dir);
      Process p =
          new ProcessBuilder(checkzone.toString(), zone.origin(), file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("named-checkzone %s:\n%s", zone.origin(), out).isZero();
    }
  }
}
