package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;
import dev.discovery.testkit.DnsFault;
import dev.discovery.testkit.DnsQuery;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The k8s+dns source against the testkit's FakeDnsServer: every Service shape, churn, faults. */
class DnsResolverTest {
  private final DnsFixture f = new DnsFixture();

  @BeforeEach
  void cluster() {
    f.webAndApi();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void headless_byPortName_givesOneEndpointPerReadyPod_withSrvPortsAndHostnames() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    EndpointSet set = f.awaitSet(w, s -> s.size() == 3);
    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
    assertThat(set.source().name()).isEqualTo("dns");
    assertThat(set.endpoints()).extracting(Endpoint::port).containsOnly(50051);
    assertThat(set.endpoints())
        .extracting(e -> e.ip().getHostAddress())
        .containsExactlyElementsOf(
            f.cluster.pods("shop").stream()
                .filter(p -> p.name().startsWith("web"))
                .map(p -> p.ip().getHostAddress())
                .sorted()
                .toList());
    assertThat(set.endpoints()).allMatch(e -> e.hostname() != null && !e.hostname().isEmpty());
    assertThat(set.ttl()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void headless_byPortNumber_isHeadlessByItsManyAddresses() {
    f.start();
    EndpointSet set = f.awaitSet(f.watch("web.shop:9000"), s -> s.size() == 3);
    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
    assertThat(set.endpoints()).extracting(Endpoint::port).containsOnly(9000);
  }

  @Test
  void onePodHeadless_isToldFromClusterIp_bySrvTarget_andByPtr() {
    f.cluster.scale("shop", "web", 1);
    f.start();
    assertThat(f.awaitSet(f.watch("web.shop:grpc"), s -> s.size() == 1).kind())
        .isEqualTo(ServiceKind.HEADLESS);
    assertThat(f.awaitSet(f.watch("web.shop:50051"), s -> s.size() == 1).kind())
        .as("by PTR")
        .isEqualTo(ServiceKind.HEADLESS);
  }

  @Test
  void clusterIp_isOneVirtualAddress_withTheServicePort() {
    f.start();
    EndpointSet byName = f.awaitSet(f.watch("api.shop:http"), s -> s.size() == 1);
    assertThat(byName.kind()).isEqualTo(ServiceKind.CLUSTER_IP);
    assertThat(byName.endpoints().get(0).port())
        .as("the Service port, not the target port")
        .isEqualTo(80);
    assertThat(byName.endpoints().get(0).ip())
        .isEqualTo(f.cluster.service("shop", "api").orElseThrow().clusterIp());
    EndpointSet byNumber = f.awaitSet(f.watch("api.shop:80"), s -> s.size() == 1);
    assertThat(byNumber.kind()).as("by PTR").isEqualTo(ServiceKind.CLUSTER_IP);
  }

  @Test
  void externalName_followsTheCnameChain_andReportsIt() {
    f.cluster.apply(Service.externalName("shop", "db", "db.example.com").build());
    f.start();
    f.dns.externalHost("db.example.com", "127.0.0.77");
    EndpointSet set = f.awaitSet(f.watch("db.shop:5432"), s -> s.size() == 1);
    assertThat(set.kind()).isEqualTo(ServiceKind.EXTERNAL_NAME);
    assertThat(set.aliases()).containsExactly("db.shop.svc.cluster.local", "db.example.com");
    assertThat(set.endpoints().get(0).hostPort()).isEqualTo("127.0.0.77:5432");
    assertThat(set.endpoints().get(0).hostname()).isEqualTo("db.example.com");
  }

  @Test
  void cnameLoop_isAClearError() {
    f.cluster.apply(Service.externalName("shop", "a", "b.shop.svc.cluster.local").build());
    f.cluster.apply(Service.externalName("shop", "b", "a.shop.svc.cluster.local").build());
    f.start();
    ResolutionError error = f.awaitError(f.watch("a.shop:80"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(error.message())
        .isEqualTo(
            "CNAME loop: a.shop.svc.cluster.local. -> b.shop.svc.cluster.local. ->"
                + " a.shop.svc.cluster.local.");
  }

  @Test
  void cnameChainLongerThanEight_isAClearError() {
    for (int i = 0; i < 10; i++) {
      f.cluster.apply(
          Service.externalName("shop", "c" + i, "c" + (i + 1) + ".shop.svc.cluster.local").build());
    }
    f.start();
    ResolutionError error = f.awaitError(f.watch("c0.shop:80"));
    assertThat(error.message())
        .startsWith("CNAME chain longer than 8 links: c0.shop.svc.cluster.local. -> ");
  }

  @Test
  void portNameWithoutSrv_saysBothWereTried() {
    f.start();
    ResolutionError error = f.awaitError(f.watch("web.shop:metrics"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED);
    assertThat(error.message())
        .contains("no SRV record _metrics._tcp.web.shop.svc.cluster.local.")
        .contains("no port number in the target; tried both");
  }

  @Test
  void targetWithoutPort_isAClearError() {
    f.start();
    ResolutionError error = f.awaitError(f.watch("web.shop"));
    assertThat(error.message()).startsWith(f.dns.target("web.shop") + " names no port");
  }

  @Test
  void shortName_usesThePodsNamespace_andTheFullNameIsAskedFirst() {
    f.start();
    EndpointSet set = f.awaitSet(f.watch("web:grpc"), s -> s.size() == 3);
    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
    assertThat(f.dns.queries().get(0).name()).startsWith("web.shop.svc.cluster.local");
  }

  @Test
  void nameNotInThePodsNamespace_walksTheSearchList_libcOrder() {
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofMillis(500)),
        DnsFixture.podEnvironment("other"));
    EndpointSet set = f.awaitSet(f.watch("web.shop:grpc"), s -> s.size() == 3);
    assertThat(set.size()).isEqualTo(3);
    List<String> asked =
        f.dns.queries().stream().filter(q -> q.type().equals("A")).map(DnsQuery::name).toList();
    // The full name with the pod's default namespace goes first only when the target names no
    // namespace; here "web.shop" walks "web.shop.other.svc...", then "web.shop.svc.cluster.local".
    assertThat(asked.get(0)).startsWith("web.shop.svc.cluster.local");
  }

  @Test
  void churn_scaleUp_unready_terminating_arePublished_andNothingElse() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    f.awaitSet(w, s -> s.size() == 3);

    EndpointSet three = w.current().orElseThrow();
    f.cluster.scale("shop", "web", 5);
    f.advance(Duration.ofSeconds(5));
    EndpointSet five = f.awaitSet(w, s -> s.size() == 5);
    assertThat(five.endpoints())
        .as("scaling up changes no existing endpoint")
        .containsAll(three.endpoints());

    f.cluster.setReady("shop", "web-1", false);
    f.advance(Duration.ofSeconds(5));
    f.awaitSet(w, s -> s.size() == 4);

    f.cluster.startTerminating("shop", "web-2");
    f.advance(Duration.ofSeconds(5));
    EndpointSet set = f.awaitSet(w, s -> s.size() == 3);
    assertThat(set.revision()).isEqualTo(4);

    await().atMost(DnsFixture.WAIT).until(() -> f.scheduler.nextTaskDelay().isPresent());
    long changes = f.changes();
    long resolutions = f.resolutions("web.shop.svc.cluster.local");
    for (int i = 0; i < 3; i++) {
      f.advanceAndAwaitNextTimer(Duration.ofSeconds(5));
    }
    assertThat(f.resolutions("web.shop.svc.cluster.local")).isEqualTo(resolutions + 3);
    assertThat(f.changes()).as("unchanged answers are not republished").isEqualTo(changes);
  }

  @Test
  void refresh_followsTheTtl_clampedAndJitteredShorter() {
    f.start();
    f.dns.ttl(Duration.ofSeconds(20));
    ServiceWatch w = f.watch("web.shop:grpc");
    f.awaitSet(w, s -> s.size() == 3);
    long after = f.dns.queryCount();
    assertThat(f.scheduler.nextTaskDelay().orElseThrow())
        .isBetween(Duration.ofSeconds(16), Duration.ofSeconds(20));
    f.advance(Duration.ofSeconds(15));
    assertThat(f.dns.queryCount()).isEqualTo(after);
  }

  @Test
  void refresh_isRateLimitedToOneResolutionPerMinRefresh() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    f.awaitSet(w, s -> s.size() == 3);
    await().atMost(DnsFixture.WAIT).until(() -> f.scheduler.nextTaskDelay().isPresent());
    long before = f.dns.queryCount();
    long resolutions = f.resolutions("web.shop.svc.cluster.local");
    for (int i = 0; i < 10; i++) {
      w.refresh();
    }
    assertThat(f.dns.queryCount()).as("within minRefresh of the last resolution").isEqualTo(before);
    f.advanceAndAwaitNextTimer(Duration.ofSeconds(1));
    assertThat(f.resolutions("web.shop.svc.cluster.local"))
        .as("ten refresh() calls, one resolution")
        .isEqualTo(resolutions + 1);
  }

  @Test
  void servfail_keepsTheLastGoodList_andBacksOff() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    EndpointSet good = f.awaitSet(w, s -> s.size() == 3);
    f.dns.inject(DnsFault.servfail());
    f.advance(Duration.ofSeconds(5));
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message()).contains("answered SERVFAIL for web.shop.svc.cluster.local.");
    assertThat(w.current()).contains(good);
    await().atMost(DnsFixture.WAIT).until(() -> f.scheduler.nextTaskDelay().isPresent());
    assertThat(f.scheduler.nextTaskDelay().orElseThrow())
        .as("first backoff: 1 s +/- 50 %")
        .isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));

    f.dns.clearFaults();
    f.advance(Duration.ofSeconds(2));
    await().atMost(DnsFixture.WAIT).until(() -> w.lastError().isEmpty());
    assertThat(f.events).anyMatch(e -> e instanceof WatchEvent.Recovered);
  }

  @Test
  void droppedQueries_timeOut_withTheServerAndNameInTheMessage() {
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofMillis(500)),
        DnsFixture.podEnvironment("shop"));
    ServiceWatch w = f.watch("web.shop:grpc");
    f.awaitSet(w, s -> s.size() == 3);
    f.dns.inject(DnsFault.drop());
    f.advance(Duration.ofSeconds(5));
    ResolutionError error = f.awaitError(w);
    assertThat(error.message())
        .matches("DNS server 127\\.0\\.0\\.1:\\d+ did not answer .* within 500 ms");
    assertThat(w.current().orElseThrow().size()).isEqualTo(3);
  }

  @Test
  void refusedForTheNameThatAnswered_keepsTheList_andIsUnavailable_namingThatName() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    EndpointSet good = f.awaitSet(w, s -> s.size() == 3);
    f.dns.inject("web.shop.svc.cluster.local", DnsFault.refused());
    for (int i = 0; i < 4; i++) {
      f.advanceAndAwaitNextTimer(Duration.ofSeconds(5));
    }
    assertThat(w.current()).as("the list that answered before is kept").contains(good);
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message())
        .contains(" refused web.shop.svc.cluster.local.")
        .doesNotContain("web.shop.shop.svc.cluster.local")
        .doesNotContain("web.shop.cluster.local");
    assertThat(f.dns.queryCount("web.shop.shop.svc.cluster.local"))
        .as("the walk stops at the refused name")
        .isZero();
  }

  @Test
  void refusedCandidate_stopsTheWalk_andIsUnavailable_notNotFound() {
    f.start();
    f.dns.inject("web.shop.svc.cluster.local", DnsFault.refused());
    ResolutionError error = f.awaitError(f.watch("web:grpc"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message()).contains(" refused web.shop.svc.cluster.local.");
    assertThat(f.dns.queries())
        .extracting(DnsQuery::name)
        .as("no name after the refused one is asked")
        .containsOnly("web.shop.svc.cluster.local");
  }

  @Test
  void externalName_whoseTargetIsRefused_isUnavailable_namingTheTarget() {
    f.cluster.apply(Service.externalName("shop", "db", "db.example.com").build());
    f.start();
    ResolutionError error = f.awaitError(f.watch("db.shop:5432"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message())
        .contains(" refused db.example.com.")
        .contains("db.shop.svc.cluster.local. -> db.example.com.")
        .doesNotContain("no such Service");
  }

  @Test
  void headlessTooBigForOneTcpAnswer_byNumber_keepsTheList_andPointsToTheApiSource() {
    f.cluster.scale("shop", "web", 4000);
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(5)),
        DnsFixture.podEnvironment("shop"));
    ServiceWatch w = f.watch("web.shop:9000");
    EndpointSet good = f.awaitSet(w, s -> s.size() == 4000);
    f.cluster.scale("shop", "web", 4200);
    for (int i = 0; i < 3; i++) {
      f.advanceAndAwaitNextTimer(Duration.ofSeconds(5));
    }
    assertThat(w.current()).as("the last good list is kept").contains(good);
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(error.message())
        .isEqualTo(
            "DNS server 127.0.0.1:"
                + f.dns.port()
                + " answered web.shop.svc.cluster.local. A truncated over TCP: the records do not"
                + " fit one DNS message of 65,535 bytes (expected: a Service small enough for DNS;"
                + " use the Kubernetes API source, k8s+api, for one this large)");
  }

  @Test
  void headlessTooBigForOneTcpAnswer_byName_isAnInvalidAnswer() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    EndpointSet good = f.awaitSet(w, s -> s.size() == 3);
    f.cluster.scale("shop", "web", 1200);
    f.advanceAndAwaitNextTimer(Duration.ofSeconds(5));
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(error.message())
        .contains("_grpc._tcp.web.shop.svc.cluster.local. SRV")
        .contains("k8s+api");
    assertThat(w.current()).contains(good);
  }

  @Test
  void searchDomainTooLongToAppend_isSkipped_notAHang() {
    // web.shop. + this domain: 256 bytes, one more than a DNS name may have
    String longDomain = labels60('d', 'e', 'f') + "." + "g".repeat(62);
    f.start(
        DnsFixture.podEnvironment(
            "shop", "shop.svc.cluster.local svc.cluster.local cluster.local " + longDomain));
    EndpointSet set = f.awaitSet(f.watch("web.shop:grpc"), s -> s.size() == 3);
    assertThat(set.kind()).isEqualTo(ServiceKind.HEADLESS);
  }

  @Test
  void nameLongerThanDnsAllows_isAMisconfiguredError_notAHang() {
    String zone = labels60('z', 'y', 'x', 'w');
    f.start(DnsFixture.podEnvironment("shop", "shop.svc." + zone + " svc." + zone + " " + zone));
    ServiceWatch w = f.watch("web:grpc");
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.MISCONFIGURED);
    assertThat(error.message())
        .startsWith("name: web.shop.svc.zzz")
        .contains("(expected: at most 255 bytes")
        .doesNotContain("\n");
    assertThat(w.first().toCompletableFuture()).isCompletedExceptionally();
  }

  /** Labels of 60 letters each, joined with dots: {@code aaa...a.bbb...b}. */
  private static String labels60(char... letters) {
    List<String> labels = new java.util.ArrayList<>();
    for (char c : letters) {
      labels.add(String.valueOf(c).repeat(60));
    }
    return String.join(".", labels);
  }

  @Test
  void everyCandidateRefused_isUnavailable() {
    f.start();
    f.dns.inject(DnsFault.refused());
    ResolutionError error = f.awaitError(f.watch("web.shop:grpc"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message()).contains(" refused web.shop.svc.cluster.local.");
  }

  @Test
  void truncatedUdpAnswer_isRetriedOverTcp() {
    f.start();
    f.dns.inject(DnsFault.truncate());
    EndpointSet set = f.awaitSet(f.watch("web.shop:grpc"), s -> s.size() == 3);
    assertThat(set.size()).isEqualTo(3);
    assertThat(f.dns.queries()).anyMatch(q -> q.transport() == DnsQuery.Transport.TCP);
  }

  @Test
  void malformedAnswer_isAnInvalidAnswerError() {
    f.start();
    f.dns.inject(DnsFault.malformed());
    ResolutionError error = f.awaitError(f.watch("web.shop:grpc"));
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.INVALID_ANSWER);
    assertThat(error.message()).contains("sent a malformed answer to web.shop.svc.cluster.local.");
  }

  @Test
  void answerWithTheWrongMessageId_isRejected() {
    f.start();
    f.dns.inject(DnsFault.wrongId());
    ResolutionError error = f.awaitError(f.watch("web.shop:grpc"));
    assertThat(error.message()).contains("invalid message id");
  }

  @Test
  void oversizedAnswer_isRefusedWithTheLimit() {
    f.start(DnsResolverProvider.builder().maxEndpoints(2), DnsFixture.podEnvironment("shop"));
    ResolutionError error = f.awaitError(f.watch("web.shop:9000"));
    assertThat(error.message())
        .startsWith(
            "the answer for web.shop.svc.cluster.local. holds 3 records (expected: at most 2");
  }

  @Test
  void serviceGone_isReportedOnlyAfterTheGrace() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    f.awaitSet(w, s -> s.size() == 3);
    f.cluster.deleteService("shop", "web");

    long before = f.dns.queryCount();
    f.advance(Duration.ofSeconds(5));
    await()
        .atMost(DnsFixture.WAIT)
        .until(() -> f.scheduler.nextTaskDelay().isPresent() && f.dns.queryCount() > before);
    assertThat(w.current().orElseThrow().size()).as("one NXDOMAIN is not enough").isEqualTo(3);

    f.advance(Duration.ofSeconds(1));
    EndpointSet gone = f.awaitSet(w, EndpointSet::isEmpty);
    assertThat(gone.isEmpty()).isTrue();
  }

  @Test
  void unknownService_isNotFound_andFoundOnceCreated() {
    f.start();
    ServiceWatch w = f.watch("late.shop:http");
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.NOT_FOUND);
    assertThat(error.message()).contains("answered NXDOMAIN for late.shop.svc.cluster.local.");

    f.cluster.apply(
        Service.headless("shop", "late").selector("app", "web").port("http", 80, "grpc").build());
    f.advance(Duration.ofSeconds(2));
    assertThat(f.awaitSet(w, s -> s.size() == 3).kind()).isEqualTo(ServiceKind.HEADLESS);
  }

  @Test
  void thousandPodHeadlessService_resolvesCompletely() {
    f.cluster.scale("shop", "web", 1000);
    f.start(
        DnsResolverProvider.builder().queryTimeout(Duration.ofSeconds(5)),
        DnsFixture.podEnvironment("shop"));
    EndpointSet set = f.awaitSet(f.watch("web.shop:grpc"), s -> s.size() == 1000);
    assertThat(set.endpoints()).extracting(Endpoint::port).containsOnly(50051);
    assertThat(f.dns.queries()).anyMatch(q -> q.transport() == DnsQuery.Transport.TCP);
  }

  @Test
  void ipv6Pods_areResolvedFromAaaa() {
    f.cluster.apply(
        Service.headless("shop", "v6").selector("app", "v6").port("grpc", 50051, "grpc").build());
    f.cluster.apply(
        Pod.builder("shop", "v6-0")
            .label("app", "v6")
            .ip("fd00::10")
            .containerPort("grpc", 50051)
            .build());
    f.cluster.apply(
        Pod.builder("shop", "v6-1")
            .label("app", "v6")
            .ip("fd00::11")
            .containerPort("grpc", 50051)
            .build());
    f.start();
    EndpointSet set = f.awaitSet(f.watch("v6.shop:grpc"), s -> s.size() == 2);
    assertThat(set.endpoints())
        .extracting(Endpoint::hostPort)
        .containsExactly("[fd00::10]:50051", "[fd00::11]:50051");
  }

  @Test
  void serverDownThenBack_keepsTheLastGoodList_andRecovers() {
    f.start();
    ServiceWatch w = f.watch("web.shop:grpc");
    EndpointSet good = f.awaitSet(w, s -> s.size() == 3);
    f.dns.stop();
    f.advance(Duration.ofSeconds(5));
    ResolutionError error = f.awaitError(w);
    assertThat(error.kind()).isEqualTo(ResolutionError.Kind.UNAVAILABLE);
    assertThat(error.message())
        .contains("DNS server 127.0.0.1:" + f.dns.port())
        .doesNotContain("null");
    assertThat(w.current()).contains(good);

    f.cluster.scale("shop", "web", 4);
    f.dns.restart();
    f.advance(Duration.ofSeconds(2));
    f.awaitSet(w, s -> s.size() == 4);
    assertThat(w.lastError()).isEmpty();
  }
}
