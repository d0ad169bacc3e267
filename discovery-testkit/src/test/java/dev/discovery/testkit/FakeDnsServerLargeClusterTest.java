package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
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

  /** Headless Service {@code shop/<name>} and pods {@code <name>-0...} it selects. */
  private static void headlessWithPods(ClusterMutations tx, String name, int pods) {
    tx.apply(
        Service.headless("shop", name).selector("app", name).port("grpc", 50051, "grpc").build());
    tx.scale(
        Pod.builder("shop", name).label("app", name).containerPort("grpc", 50051).build(), pods);
  }
}
