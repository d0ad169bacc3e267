package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.testkit.DnsClient.Mode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** FakeDnsServer serving clusters of thousands of pods. */
class FakeDnsServerLargeClusterTest {
  private static final int SERVICES = 1000;
  private static final int PODS_PER_SERVICE = 3;
  private static final int HUGE = 4200; // 4200 A records: over 65535 bytes
  private static final int A_RECORD_BYTES = 16; // compressed owner, type, class, TTL, length, IPv4

  @Test
  void freshCluster_answersAThousandConcurrentFirstQueries() throws IOException {
    FakeCluster cluster = FakeCluster.create();
    cluster.batch(
        tx -> {
          for (int i = 0; i < SERVICES; i++) {
            headlessWithPods(tx, "svc-" + i, PODS_PER_SERVICE);
          }
        });
    assertThat(cluster.pods()).hasSize(SERVICES * PODS_PER_SERVICE);

    try (FakeDnsServer dns = FakeDnsServer.start(cluster)) {
      SimpleResolver resolver = new SimpleResolver(dns.address());
      resolver.setTimeout(Duration.ofSeconds(10)); // once per query: dnsjava does not resend
      List<CompletableFuture<Message>> answers = new ArrayList<>();
      for (int i = 0; i < SERVICES; i++) {
        Name name = Name.fromString("svc-" + i + ".shop.svc.cluster.local.");
        answers.add(
            resolver
                .sendAsync(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)))
                .toCompletableFuture());
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> answers.stream().allMatch(CompletableFuture::isDone));

      List<String> unanswered = new ArrayList<>();
      for (int i = 0; i < SERVICES; i++) {
        CompletableFuture<Message> f = answers.get(i);
        if (f.isCompletedExceptionally()) {
          unanswered.add("svc-" + i);
          continue;
        }
        Message m = f.join();
        assertThat(m.getRcode()).as("svc-%d rcode", i).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).as("svc-%d answer", i).hasSize(PODS_PER_SERVICE);
      }
      assertThat(unanswered)
          .as("%d of %d first queries unanswered", unanswered.size(), SERVICES)
          .isEmpty();
    }
  }

  @Test
  void oversizedAnswer_overTcp_carriesAsManyRecordsAsFit_withTc() throws IOException {
    try (HugeService huge = new HugeService()) {
      Message tcp = huge.client.query(huge.name, Type.A, Mode.TCP);

      assertThat(tcp.getHeader().getFlag(Flags.TC)).isTrue();
      assertThat(tcp.getRcode()).isEqualTo(Rcode.NOERROR);
      huge.assertAsManyAsFit(tcp, 65535);
    }
  }

  @Test
  void oversizedAnswer_overUdp_carriesAsManyRecordsAsFitTheClientsSize_withTc() throws IOException {
    try (HugeService huge = new HugeService()) {
      Message plain = huge.client.query(huge.name, Type.A, Mode.UDP);
      Message edns = huge.client.query(huge.name, Type.A, Mode.UDP_EDNS);

      assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
      huge.assertAsManyAsFit(plain, 512);
      assertThat(edns.getHeader().getFlag(Flags.TC)).isTrue();
      huge.assertAsManyAsFit(edns, 1232);
    }
  }

  /** Headless Service {@code shop/<name>} and pods {@code <name>-0...} it selects. */
  private static void headlessWithPods(ClusterMutations tx, String name, int pods) {
    tx.apply(
        Service.headless("shop", name).selector("app", name).port("grpc", 50051, "grpc").build());
    tx.scale(
        Pod.builder("shop", name).label("app", name).containerPort("grpc", 50051).build(), pods);
  }

  /** A headless Service whose A answer does not fit one DNS message, served by a FakeDnsServer. */
  private static final class HugeService implements AutoCloseable {
    final String name = "huge.shop.svc.cluster.local";
    final FakeCluster cluster = FakeCluster.create();
    final FakeDnsServer dns;
    final DnsClient client;
    final Set<String> podIps;

    HugeService() {
      cluster.batch(tx -> headlessWithPods(tx, "huge", HUGE));
      podIps =
          cluster.pods().stream()
              .map(p -> p.ips().get(0).getHostAddress())
              .collect(Collectors.toSet());
      dns = FakeDnsServer.start(cluster);
      client = new DnsClient(dns.address());
    }

    /** Some of the pods' records, no record twice, and no room left for another one. */
    void assertAsManyAsFit(Message m, int size) {
      List<String> ips = DnsClient.rdata(m);
      assertThat(ips)
          .as("answer records of a TC answer within %d bytes", size)
          .isNotEmpty()
          .hasSizeLessThan(HUGE)
          .doesNotHaveDuplicates();
      assertThat(podIps).containsAll(ips);
      assertThat(m.numBytes()).isLessThanOrEqualTo(size);
      assertThat(m.numBytes() + A_RECORD_BYTES)
          .as("%d records in %d bytes: room for one more within %d", ips.size(), m.numBytes(), size)
          .isGreaterThan(size);
    }

    @Override
    public void close() {
      dns.close();
    }
  }
}
