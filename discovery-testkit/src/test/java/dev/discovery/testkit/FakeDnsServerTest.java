package dev.discovery.testkit;

import static dev.discovery.testkit.DnsClient.answers;
import static dev.discovery.testkit.DnsClient.rdata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.discovery.testkit.DnsClient.Mode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

class FakeDnsServerTest {
  private static final String WEB = "web.shop.svc.cluster.local";

  private final FakeCluster cluster = FakeCluster.create();
  private FakeDnsServer dns;
  private DnsClient client;

  @BeforeEach
  void start() {
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 2);
    dns = FakeDnsServer.start(cluster);
    client = new DnsClient(dns.address());
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void start_servesUdpAndTcp_onOneLoopbackPort() throws IOException {
    assertThat(dns.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(dns.port()).isPositive();

    assertThat(rdata(client.query(WEB, Type.A, Mode.UDP)))
        .containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2");
    assertThat(rdata(client.query(WEB, Type.A, Mode.TCP)))
        .containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2");
    assertThat(dns.target("web.shop:grpc"))
        .isEqualTo("k8s+dns://127.0.0.1:" + dns.port() + "/web.shop:grpc");
  }

  @Test
  void answers_followClusterChanges_atOnce() throws IOException {
    cluster.scale("shop", "web", 3);
    assertThat(rdata(client.query(WEB, Type.A))).hasSize(3);

    cluster.setReady("shop", "web-0", false);
    assertThat(rdata(client.query(WEB, Type.A)))
        .containsExactlyInAnyOrder("127.0.1.2", "127.0.1.3");

    cluster.deleteService("shop", "web");
    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void ttl_isConfigurable_atStartAndWhileRunning() throws IOException {
    try (FakeDnsServer thirty =
        FakeDnsServer.builder(cluster).ttl(Duration.ofSeconds(30)).start()) {
      Message m = new DnsClient(thirty.address()).query(WEB, Type.A);
      assertThat(m.getSection(Section.ANSWER))
          .allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(30));
    }
    assertThat(dns.ttl()).isEqualTo(FakeDnsServer.DEFAULT_TTL);

    dns.ttl(Duration.ofSeconds(1));

    assertThat(client.query(WEB, Type.A).getSection(Section.ANSWER))
        .allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(1));
    assertThat(client.query("nope.shop.svc.cluster.local", Type.A).getSection(Section.AUTHORITY))
        .singleElement()
        .satisfies(r -> assertThat(r.getTTL()).isEqualTo(1));
    assertThatThrownBy(() -> dns.ttl(Duration.ofMillis(1500)))
        .hasMessageContaining("ttl: PT1.5S (expected: whole seconds");
  }

  @Test
  void largeAnswer_isTruncatedOverUdp_andCompleteOverTcp() throws IOException {
    cluster.scale("shop", "web", 100); // 100 A records: more than 512 and 1232 bytes

    Message plain = client.query(WEB, Type.A, Mode.UDP);
    Message edns = client.query(WEB, Type.A, Mode.UDP_EDNS);
    Message tcp = client.query(WEB, Type.A, Mode.TCP);

    assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(plain.numBytes()).isLessThanOrEqualTo(512);
    assertThat(edns.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(edns.numBytes()).isLessThanOrEqualTo(1232);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(rdata(tcp)).hasSize(100).doesNotHaveDuplicates();
    assertThat(rdata(client.query(WEB, Type.A, Mode.AUTO))).hasSize(100);
  }

  @Test
  void smallAnswerWithEdns_fitsInOneUdpMessage() throws IOException {
    cluster.scale("shop", "web", 40); // ~700 bytes: over 512, under 1232

    assertThat(client.query(WEB, Type.A, Mode.UDP).getHeader().getFlag(Flags.TC)).isTrue();
    Message edns = client.query(WEB, Type.A, Mode.UDP_EDNS);
    assertThat(edns.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(rdata(edns)).hasSize(40);
    assertThat(edns.getOPT().getPayloadSize()).isEqualTo(1232);
  }

  @Test
  void servfailForAll_untilCleared() throws IOException {
    dns.inject(DnsFault.servfail());

    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(client.query("api.shop.svc.cluster.local", Type.A).getRcode())
        .isEqualTo(Rcode.SERVFAIL);

    dns.clearFaults();
    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void refusedForOneName_leavesOtherNamesAlone_anyCase() throws IOException {
    dns.inject("WEB.shop.svc.cluster.local.", DnsFault.refused());

    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(client.query("_grpc._tcp." + WEB, Type.SRV).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void faultForTimes_appliesToThatManyQueries() throws IOException {
    dns.inject(WEB, DnsFault.servfail().times(2));

    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(client.query(WEB, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void drop_overUdp_timesOut_overTcp_closesTheConnection() throws IOException {
    dns.inject(WEB, DnsFault.drop().times(2));
    DnsClient impatient = new DnsClient(dns.address(), Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.query(WEB, Type.A, Mode.UDP))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> impatient.query(WEB, Type.A, Mode.TCP))
        .isInstanceOf(IOException.class);
    assertThat(rdata(impatient.query(WEB, Type.A, Mode.UDP))).hasSize(2);
    assertThat(dns.queries())
        .extracting(DnsQuery::fault)
        .containsExactly(DnsFault.Kind.DROP, DnsFault.Kind.DROP, null);
  }

  @Test
  void delay_holdsTheRightAnswerBack() throws IOException {
    dns.inject(DnsFault.delay(Duration.ofMillis(300)));

    long start = System.nanoTime();
    Message m = client.query(WEB, Type.A);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(rdata(m)).hasSize(2);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
  }

  @Test
  void truncate_sendsAnEmptyTcAnswerOverUdp_andTheClientRetriesOverTcp() throws IOException {
    dns.inject(DnsFault.truncate());

    Message udp = client.query(WEB, Type.A, Mode.UDP_EDNS);
    Message auto = client.query(WEB, Type.A, Mode.AUTO);

    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(udp.getSection(Section.ANSWER)).isEmpty();
    assertThat(rdata(auto)).hasSize(2);
    assertThat(dns.queries())
        .extracting(DnsQuery::transport, DnsQuery::truncated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DnsQuery.Transport.UDP, true),
            org.assertj.core.groups.Tuple.tuple(DnsQuery.Transport.UDP, true),
            org.assertj.core.groups.Tuple.tuple(DnsQuery.Transport.TCP, false));
  }

  @Test
  void malformed_sendsBytesThatDoNotParse() throws IOException {
    dns.inject(DnsFault.malformed());

    byte[] reply = rawUdp(query(WEB, Type.A, 4711));

    assertThatThrownBy(() -> new Message(reply)).isInstanceOf(WireParseException.class);
    assertThatThrownBy(() -> client.query(WEB, Type.A, Mode.TCP)).isInstanceOf(IOException.class);
  }

  @Test
  void wrongId_answersWithAnotherMessageId() throws IOException {
    dns.inject(DnsFault.wrongId());

    Message reply = new Message(rawUdp(query(WEB, Type.A, 4711)));

    assertThat(reply.getHeader().getID()).isEqualTo(4712);
    assertThat(rdata(reply)).hasSize(2);
  }

  @Test
  void queries_areLogged_forAssertions() throws IOException {
    client.query(WEB, Type.A, Mode.UDP);
    client.query("_grpc._tcp." + WEB, Type.SRV, Mode.TCP);
    client.query("nope.shop.svc.cluster.local", Type.A, Mode.UDP);

    assertThat(dns.queryCount()).isEqualTo(3);
    assertThat(dns.queryCount(WEB + ".")).isEqualTo(1);
    assertThat(dns.queries())
        .extracting(DnsQuery::name, DnsQuery::type, DnsQuery::transport, DnsQuery::rcode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(WEB, "A", DnsQuery.Transport.UDP, "NOERROR"),
            org.assertj.core.groups.Tuple.tuple(
                "_grpc._tcp." + WEB, "SRV", DnsQuery.Transport.TCP, "NOERROR"),
            org.assertj.core.groups.Tuple.tuple(
                "nope.shop.svc.cluster.local", "A", DnsQuery.Transport.UDP, "NXDOMAIN"));

    dns.clearQueries();
    assertThat(dns.queries()).isEmpty();
    assertThat(dns.queryCount()).isZero();
  }

  @Test
  void stop_silencesThePort_andRestart_answersAgainOnTheSamePort() throws IOException {
    int port = dns.port();
    DnsClient impatient = new DnsClient(dns.address(), Duration.ofMillis(300));

    dns.stop();

    assertThat(dns.isRunning()).isFalse();
    assertThatThrownBy(() -> impatient.query(WEB, Type.A, Mode.UDP))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> impatient.query(WEB, Type.A, Mode.TCP))
        .isInstanceOf(IOException.class);

    dns.restart();

    assertThat(dns.port()).isEqualTo(port);
    assertThat(rdata(client.query(WEB, Type.A, Mode.UDP))).hasSize(2);
    assertThat(rdata(client.query(WEB, Type.A, Mode.TCP))).hasSize(2);
  }

  @Test
  void close_freesThePortAndEndsItsThreads() throws IOException {
    client.query(WEB, Type.A, Mode.TCP);
    dns.inject(DnsFault.delay(Duration.ofMillis(10)));
    client.query(WEB, Type.A, Mode.UDP);
    int port = dns.port();

    dns.close();

    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(true);
      tcp.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(udp.getLocalPort()).isEqualTo(port);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> liveThreads("discovery-testkit-dns-udp-" + port).isEmpty());
    assertThat(liveThreads("discovery-testkit-dns-tcp-accept-" + port)).isEmpty();
    assertThatThrownBy(() -> dns.restart()).hasMessageContaining("closed");
  }

  @Test
  void threads_areDaemonsNamedDiscoveryTestkit() throws IOException {
    client.query(WEB, Type.A, Mode.TCP);

    List<Thread> threads = liveThreads("discovery-testkit-dns-");

    assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
  }

  @Test
  void ipv6_answersOnLoopbackV6_onTheSamePort() throws IOException {
    try (FakeDnsServer both = FakeDnsServer.builder(cluster).ipv6(true).start()) {
      InetSocketAddress v6 = both.addressV6().orElseThrow();

      assertThat(v6.getPort()).isEqualTo(both.port());
      assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
      assertThat(rdata(new DnsClient(v6).query(WEB, Type.A, Mode.UDP))).hasSize(2);
      assertThat(rdata(new DnsClient(v6).query(WEB, Type.A, Mode.TCP))).hasSize(2);
    }
    assertThat(dns.addressV6()).isEmpty();
  }

  @Test
  void externalName_isFollowedToAHostTheTestDeclared() throws IOException {
    cluster.apply(Service.externalName("shop", "db", "db.example.com").build());
    String db = "db.shop.svc.cluster.local";

    assertThat(answers(client.query(db, Type.A))).containsExactly("cname db.example.com.");

    dns.externalHost("db.example.com", "127.0.9.9");

    assertThat(answers(client.query(db, Type.A)))
        .containsExactly("cname db.example.com.", "a 127.0.9.9");
    assertThat(answers(client.query("db.example.com", Type.A))).containsExactly("a 127.0.9.9");
    assertThat(client.query("elsewhere.example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void emptyNonTerminals_answerNodata_notNxdomain() throws IOException {
    for (String name : List.of("shop.svc.cluster.local", "svc.cluster.local", "_tcp." + WEB)) {
      Message m = client.query(name, Type.A);
      assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
      assertThat(m.getSection(Section.ANSWER)).as(name).isEmpty();
      assertThat(m.getSection(Section.AUTHORITY))
          .as(name)
          .singleElement()
          .matches(r -> r.getType() == Type.SOA);
    }
  }

  @Test
  void externalNameInsideTheZone_isChasedInOneAnswer() throws IOException {
    cluster.apply(Service.externalName("shop", "alias", WEB).build());

    assertThat(answers(client.query("alias.shop.svc.cluster.local", Type.A)))
        .containsExactlyInAnyOrder("cname " + WEB + ".", "a 127.0.1.1", "a 127.0.1.2");
  }

  @Test
  void srvAnswer_carriesTheTargetsAddressesInTheAdditionalSection() throws IOException {
    Message m = client.query("_grpc._tcp." + WEB, Type.SRV);

    assertThat(m.getSection(Section.ADDITIONAL))
        .filteredOn(r -> r.getType() == Type.A)
        .extracting(Record::rdataToString)
        .containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2");
  }

  @Test
  void unsupportedEdnsVersion_isAnsweredBadvers() throws IOException {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(WEB + "."), Type.A, DClass.IN));
    q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);

    Message reply = new Message(rawUdp(q.toWire()));

    assertThat(reply.getRcode()).isEqualTo(Rcode.BADVERS);
  }

  @Test
  void garbage_isIgnored_andTheServerKeepsAnswering() throws IOException {
    byte[] garbage = {1, 2, 3};
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(garbage, garbage.length, dns.address()));
    }

    assertThat(rdata(client.query(WEB, Type.A, Mode.UDP))).hasSize(2);
  }

  @Test
  void start_anotherServerOfTheSameCluster_answersOnItsOwnPort() throws IOException {
    try (FakeDnsServer another = FakeDnsServer.start(cluster)) {
      assertThat(another.isRunning()).isTrue();
      assertThat(another.port()).isNotEqualTo(dns.port());
      assertThat(rdata(new DnsClient(another.address()).query(WEB, Type.A))).hasSize(2);
    }
  }

  @Test
  void start_onATakenPort_failsClearly() {
    assertThatThrownBy(() -> FakeDnsServer.builder(cluster).port(dns.port()).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DNS server port: " + dns.port())
        .hasMessageContaining("expected: a free UDP and TCP port on loopback");
  }

  @Test
  void restart_afterThePortWasTaken_failsClearly() throws IOException {
    int port = dns.port();
    dns.stop();
    try (DatagramSocket thief = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      assertThatThrownBy(() -> dns.restart())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("DNS server port: " + port);
    }
    assertThat(dns.isRunning()).isFalse();
  }

  private static byte[] query(String name, int type, int id) throws IOException {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
    m.getHeader().setID(id);
    return m.toWire();
  }

  private byte[] rawUdp(byte[] request) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      socket.send(new DatagramPacket(request, request.length, dns.address()));
      DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
      socket.receive(reply);
      return Arrays.copyOf(reply.getData(), reply.getLength());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no UDP answer within 5 s", e);
    }
  }

  static List<Thread> liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .toList();
  }
}
