package dev.discovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.testkit.DnsClient.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The Kubernetes DNS specification (schema 1.1.0; CoreDNS where it leaves a choice) as a table of
 * expected answers, written by hand from the specification for the fixture below, and checked
 * against {@link FakeDnsServer} (with dnsjava and with Debian's dig) and against BIND serving the
 * zone files generated from the same cluster (with dnsjava and dig). The resulting table is printed
 * and written to {@code target/conformance-table.md}.
 */
class KubernetesDnsConformanceTest {
  private static final String Z = ".svc.cluster.local.";
  private static final int BIG = 1000;

  private static FakeCluster cluster;
  private static FakeDnsServer fake;
  private static BindServer bind;

  /** One row: a query and what the specification says it answers. */
  record Row(
      String shape,
      String name,
      String type,
      Mode mode,
      String rcode,
      Set<String> answers,
      String soaZone,
      Tc truncated) {}

  /** Whether an answer has the TC bit. */
  enum Tc {
    NO,
    YES,
    /**
     * From CoreDNS and FakeDnsServer, not from BIND: CoreDNS sets it whenever a record is left out,
     * the additional section's included (miekg/dns's Msg.Truncate); BIND only when the answer is
     * cut, as RFC 2181 §9 reads.
     */
    COREDNS_ONLY
  }

  /** The answer a server gave, as the checks need it. */
  record Observed(String rcode, boolean tc, boolean aa, Set<String> answers, List<String> soa) {}

  // The fixture: every address explicit, so the table below can say the answers.
  static FakeCluster fixture() {
    FakeCluster c = FakeCluster.create();
    c.batch(
        tx -> {
          for (int i : new int[] {0, 1, 2}) {
            tx.apply(
                Pod.builder("shop", "web-" + i)
                    .ip("127.0.1." + (i + 1))
                    .label("app", "web")
                    .containerPort("grpc", 50051)
                    .containerPort("http", 8080)
                    .hostname("web-" + i)
                    .subdomain("web")
                    .ready(i != 2) // web-2 is not ready
                    .build());
          }
          tx.apply(
              Pod.builder("shop", "web-3") // maps the port name grpc to another number
                  .ip("127.0.1.5")
                  .label("app", "web")
                  .containerPort("grpc", 9090)
                  .hostname("web-3")
                  .subdomain("web")
                  .build());
          tx.apply(
              Service.headless("shop", "web")
                  .selector("app", "web")
                  .port("grpc", 50051, "grpc")
                  .build());
          tx.apply(
              Service.headless("shop", "peers")
                  .selector("app", "web")
                  .publishNotReadyAddresses(true)
                  .port("grpc", 50051, "grpc")
                  .build());
          tx.apply(
              Pod.builder("shop", "cache-a")
                  .ip("127.0.2.1")
                  .label("app", "cache")
                  .containerPort("redis", 6379)
                  .build());
          tx.apply(
              Service.headless("shop", "cache")
                  .selector("app", "cache")
                  .port("redis", 6379)
                  .build());
          tx.apply(
              Pod.builder("shop", "v6-0")
                  .ip("fd00::1")
                  .label("app", "v6")
                  .containerPort("grpc", 50051)
                  .build());
          tx.apply(
              Service.headless("shop", "v6").selector("app", "v6").port("grpc", 50051).build());
          tx.apply(
              Service.headless("shop", "empty").selector("app", "none").port("grpc", 1).build());
          tx.apply(
              Service.clusterIp("shop", "api")
                  .clusterIp("127.1.0.10")
                  .selector("app", "web")
                  .port("grpc", 443, "grpc")
                  .port("http", 80, 8080)
                  .port(Service.Port.of("dns", 53).protocol(Protocol.UDP))
                  .build());
          tx.apply(Service.clusterIp("shop", "solo").clusterIp("127.1.0.13").port(8080).build());
          tx.apply(
              Service.nodePort("shop", "front")
                  .clusterIp("127.1.0.11")
                  .port(Service.Port.of("http", 80).nodePort(30080))
                  .build());
          tx.apply(
              Service.loadBalancer("shop", "edge")
                  .clusterIp("127.1.0.12")
                  .port("https", 443)
                  .loadBalancerIngressIp("127.3.0.9")
                  .build());
          tx.apply(Service.externalName("shop", "db", "db.example.com").build());
          for (int i = 0; i < BIG; i++) {
            tx.apply(
                Pod.builder("shop", "big-" + i)
                    .ip(bigIp(i))
                    .label("app", "big")
                    .containerPort("grpc", 50051)
                    .build());
          }
          tx.apply(
              Service.headless("shop", "big").selector("app", "big").port("grpc", 50051).build());
        });
    return c;
  }

  private static String bigIp(int i) {
    return "127.10." + (i / 250) + "." + (i % 250 + 1);
  }

  /** The hand-written table. */
  static List<Row> table() {
    List<Row> t = new ArrayList<>();
    t.add(row("dns-version TXT", "dns-version.cluster.local.", "TXT", "txt \"1.1.0\""));
    t.add(row("ClusterIP: A = ClusterIP", "api.shop" + Z, "A", "a 127.1.0.10"));
    t.add(nodata("ClusterIP: AAAA of an IPv4 Service = NODATA + SOA", "api.shop" + Z, "AAAA"));
    t.add(
        row(
            "ClusterIP: SRV per named TCP port (Service port, target the Service)",
            "_grpc._tcp.api.shop" + Z,
            "SRV",
            "srv 0 100 443 api.shop.svc.cluster.local."));
    t.add(
        row(
            "ClusterIP: SRV per named UDP port",
            "_dns._udp.api.shop" + Z,
            "SRV",
            "srv 0 100 53 api.shop.svc.cluster.local."));
    t.add(
        nxdomain(
            "ClusterIP: SRV of an unknown port name = NXDOMAIN + SOA",
            "_nope._tcp.api.shop" + Z,
            "SRV"));
    t.add(row("ClusterIP: unnamed port: A only", "solo.shop" + Z, "A", "a 127.1.0.13"));
    t.add(nodata("ClusterIP: unnamed port: no SRV (NODATA)", "solo.shop" + Z, "SRV"));
    t.add(
        row(
            "ClusterIP: PTR of the ClusterIP",
            "10.0.1.127.in-addr.arpa.",
            "PTR",
            "ptr api.shop.svc.cluster.local."));
    t.add(row("NodePort: A = ClusterIP", "front.shop" + Z, "A", "a 127.1.0.11"));
    t.add(
        row(
            "NodePort: SRV = Service port (not the node port)",
            "_http._tcp.front.shop" + Z,
            "SRV",
            "srv 0 100 80 front.shop.svc.cluster.local."));
    t.add(row("LoadBalancer: A = ClusterIP", "edge.shop" + Z, "A", "a 127.1.0.12"));
    t.add(
        row(
            "Headless: A = ready endpoints",
            "web.shop" + Z,
            "A",
            "a 127.0.1.1",
            "a 127.0.1.2",
            "a 127.0.1.5"));
    t.add(
        row(
            "Headless: SRV per ready endpoint x named port, endpoint port, target hostname",
            "_grpc._tcp.web.shop" + Z,
            "SRV",
            "srv 0 33 50051 web-0.web.shop.svc.cluster.local.",
            "srv 0 33 50051 web-1.web.shop.svc.cluster.local.",
            "srv 0 33 9090 web-3.web.shop.svc.cluster.local."));
    t.add(row("Headless: pod hostname A", "web-1.web.shop" + Z, "A", "a 127.0.1.2"));
    t.add(nxdomain("Headless: not-ready pod has no hostname record", "web-2.web.shop" + Z, "A"));
    t.add(
        row(
            "Headless: dashed-IP hostname A (no pod hostname)",
            "127-0-2-1.cache.shop" + Z,
            "A",
            "a 127.0.2.1"));
    t.add(
        row(
            "Headless: SRV target is the dashed-IP hostname",
            "_redis._tcp.cache.shop" + Z,
            "SRV",
            "srv 0 100 6379 127-0-2-1.cache.shop.svc.cluster.local."));
    t.add(
        row(
            "Headless: PTR of an endpoint IP (one per headless Service)",
            "1.1.0.127.in-addr.arpa.",
            "PTR",
            "ptr web-0.web.shop.svc.cluster.local.",
            "ptr 127-0-1-1.peers.shop.svc.cluster.local."));
    t.add(row("Headless: AAAA of IPv6 endpoints", "v6.shop" + Z, "AAAA", "aaaa fd00::1"));
    t.add(nodata("Headless: A with IPv6 endpoints only = NODATA", "v6.shop" + Z, "A"));
    t.add(
        row("Headless: dashed IPv6 hostname AAAA", "fd00--1.v6.shop" + Z, "AAAA", "aaaa fd00::1"));
    t.add(
        row(
            "Headless: PTR of an IPv6 endpoint",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.",
            "PTR",
            "ptr fd00--1.v6.shop.svc.cluster.local."));
    t.add(
        row(
            "Headless: publishNotReadyAddresses publishes not-ready pods",
            "peers.shop" + Z,
            "A",
            "a 127.0.1.1",
            "a 127.0.1.2",
            "a 127.0.1.3",
            "a 127.0.1.5"));
    t.add(nxdomain("Headless: no ready endpoints = NXDOMAIN + SOA", "empty.shop" + Z, "A"));
    t.add(
        row(
            "ExternalName: A query answers the CNAME",
            "db.shop" + Z,
            "A",
            "cname db.example.com."));
    t.add(row("ExternalName: CNAME query", "db.shop" + Z, "CNAME", "cname db.example.com."));
    t.add(nxdomain("Unknown Service = NXDOMAIN + SOA", "nope.shop" + Z, "A"));
    t.add(nxdomain("Unknown namespace = NXDOMAIN + SOA", "api.nowhere" + Z, "A"));
    t.add(
        nodata(
            "Existing name, absent type = NODATA (NOERROR, no answer) + SOA",
            "web.shop" + Z,
            "TXT"));
    t.add(
        new Row(
            "Unknown reverse name = NXDOMAIN + the reverse zone's SOA",
            "9.9.9.127.in-addr.arpa.",
            "PTR",
            Mode.AUTO,
            "NXDOMAIN",
            Set.of(),
            "in-addr.arpa.",
            Tc.NO));
    t.add(
        row(
            "Case-insensitive: A",
            "WEB.Shop.SVC.Cluster.Local.",
            "A",
            "a 127.0.1.1",
            "a 127.0.1.2",
            "a 127.0.1.5"));
    t.add(
        row(
            "Case-insensitive: SRV",
            "_GRPC._TCP.Api.Shop.svc.CLUSTER.local.",
            "SRV",
            "srv 0 100 443 api.shop.svc.cluster.local."));
    t.add(
        new Row(
            "1000-pod headless A over UDP (EDNS 1232) = TC",
            "big.shop" + Z,
            "A",
            Mode.UDP_EDNS,
            "NOERROR",
            null,
            null,
            Tc.YES));
    t.add(
        new Row(
            "1000-pod headless A over UDP (no EDNS, 512) = TC",
            "big.shop" + Z,
            "A",
            Mode.UDP,
            "NOERROR",
            null,
            null,
            Tc.YES));
    Set<String> bigA = new TreeSet<>();
    Set<String> bigSrv = new TreeSet<>();
    for (int i = 0; i < BIG; i++) {
      bigA.add("a " + bigIp(i));
      bigSrv.add("srv 0 1 50051 " + bigIp(i).replace('.', '-') + ".big.shop.svc.cluster.local.");
    }
    t.add(
        new Row(
            "1000-pod headless A over TCP = all 1000",
            "big.shop" + Z,
            "A",
            Mode.TCP,
            "NOERROR",
            bigA,
            null,
            Tc.NO));
    t.add(
        new Row(
            "1000-pod headless A, UDP then TCP on TC = all 1000",
            "big.shop" + Z,
            "A",
            Mode.AUTO,
            "NOERROR",
            bigA,
            null,
            Tc.NO));
    t.add(
        new Row(
            "1000-pod headless SRV over TCP = all 1000 (not all their A records fit: TC from CoreDNS)",
            "_grpc._tcp.big.shop" + Z,
            "SRV",
            Mode.TCP,
            "NOERROR",
            bigSrv,
            null,
            Tc.COREDNS_ONLY));
    return t;
  }

  private static Row row(String shape, String name, String type, String... answers) {
    return new Row(
        shape,
        name,
        type,
        Mode.AUTO,
        "NOERROR",
        new LinkedHashSet<>(List.of(answers)),
        null,
        Tc.NO);
  }

  private static Row nodata(String shape, String name, String type) {
    return new Row(shape, name, type, Mode.AUTO, "NOERROR", Set.of(), "cluster.local.", Tc.NO);
  }

  private static Row nxdomain(String shape, String name, String type) {
    return new Row(shape, name, type, Mode.AUTO, "NXDOMAIN", Set.of(), "cluster.local.", Tc.NO);
  }

  @BeforeAll
  static void start() {
    cluster = fixture();
    fake = FakeDnsServer.start(cluster);
    bind = BindServer.start(cluster);
  }

  @AfterAll
  static void stop() {
    if (fake != null) {
      fake.close();
    }
    if (bind != null) {
      bind.close();
    }
  }

  @Test
  void fakeDnsServerAndBind_answerAsTheSpecificationSays() throws IOException {
    List<Row> table = table();
    List<String[]> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Row row : table) {
      String[] cells = {
        check(row, viaDnsjava(fake, row), true),
        check(row, viaDig(fake.address(), row), true),
        check(row, viaDnsjava(bind, row), false),
        check(row, viaDig(bind.address(), row), false)
      };
      results.add(cells);
      String[] columns = {"FakeDnsServer/dnsjava", "FakeDnsServer/dig", "BIND/dnsjava", "BIND/dig"};
      for (int i = 0; i < cells.length; i++) {
        if (!cells[i].equals("pass")) {
          failures.add(row.shape() + " [" + columns[i] + "]: " + cells[i]);
        }
      }
    }
    String report = render(table, results);
    System.out.println(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "conformance-table.md"), report, StandardCharsets.UTF_8);
    assertThat(failures).as("rows that do not answer as the specification says").isEmpty();
  }

  private static String render(List<Row> table, List<String[]> results) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| record shape | query | FakeDnsServer (dnsjava) | FakeDnsServer (dig) | BIND (dnsjava) | BIND (dig) |\n");
    b.append("| --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < table.size(); i++) {
      Row r = table.get(i);
      String[] c = results.get(i);
      b.append("| ")
          .append(r.shape())
          .append(" | `")
          .append(r.name())
          .append(' ')
          .append(r.type())
          .append(r.mode() == Mode.AUTO ? "" : " (" + r.mode() + ")")
          .append("` | ")
          .append(String.join(" | ", c))
          .append(" |\n");
    }
    return b.toString();
  }

  /** What does not match; {@code coreDns} when the server follows CoreDNS where BIND differs. */
  private static String check(Row row, Observed o, boolean coreDns) {
    List<String> problems = new ArrayList<>();
    if (!row.rcode().equals(o.rcode())) {
      problems.add("rcode " + o.rcode() + " (expected " + row.rcode() + ")");
    }
    boolean tc = row.truncated() == Tc.YES || (row.truncated() == Tc.COREDNS_ONLY && coreDns);
    if (tc != o.tc()) {
      problems.add("TC " + o.tc() + " (expected " + tc + ")");
    }
    if (!o.aa()) {
      problems.add("not authoritative");
    }
    if (row.answers() != null) {
      Set<String> expected = normalize(row.answers());
      if (!expected.equals(o.answers())) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(o.answers());
        Set<String> extra = new TreeSet<>(o.answers());
        extra.removeAll(expected);
        problems.add(
            "answers differ: missing " + abbreviate(missing) + ", unexpected " + abbreviate(extra));
      }
    }
    if (row.soaZone() != null && !o.soa().contains(row.soaZone())) {
      problems.add("authority SOA " + o.soa() + " (expected the SOA of " + row.soaZone() + ")");
    }
    return problems.isEmpty() ? "pass" : "FAIL: " + String.join("; ", problems);
  }

  private static String abbreviate(Set<String> s) {
    return s.size() <= 3 ? s.toString() : s.size() + " records, e.g. " + s.iterator().next();
  }

  private static Observed viaDnsjava(Object server, Row row) {
    java.net.InetSocketAddress address =
        server instanceof FakeDnsServer f ? f.address() : ((BindServer) server).address();
    try {
      Message m = new DnsClient(address).query(row.name(), Type.value(row.type()), row.mode());
      Set<String> answers = new TreeSet<>();
      for (Record r : m.getSection(Section.ANSWER)) {
        answers.add(normalize(Type.string(r.getType()), r.rdataToString()));
      }
      List<String> soa = new ArrayList<>();
      for (Record r : m.getSection(Section.AUTHORITY)) {
        if (r.getType() == Type.SOA) {
          soa.add(r.getName().toString().toLowerCase(Locale.ROOT));
        }
      }
      return new Observed(
          Rcode.string(m.getRcode()),
          m.getHeader().getFlag(Flags.TC),
          m.getHeader().getFlag(Flags.AA),
          answers,
          soa);
    } catch (IOException e) {
      return new Observed("no answer: " + e, false, false, Set.of(), List.of());
    }
  }

  private static Observed viaDig(java.net.InetSocketAddress address, Row row) {
    try {
      Dig.Result r = Dig.query(address, row.name(), row.type(), row.mode());
      Set<String> answers = new TreeSet<>();
      for (String[] rec : r.answer()) {
        answers.add(normalize(rec[1], rec[2]));
      }
      List<String> soa = new ArrayList<>();
      for (String[] rec : r.authority()) {
        if (rec[1].equals("soa")) {
          soa.add(rec[0].toLowerCase(Locale.ROOT));
        }
      }
      return new Observed(
          r.rcode(), r.flags().contains("tc"), r.flags().contains("aa"), answers, soa);
    } catch (IOException e) {
      return new Observed("no answer: " + e.getMessage(), false, false, Set.of(), List.of());
    }
  }

  private static Set<String> normalize(Set<String> typeAndRdata) {
    Set<String> out = new TreeSet<>();
    for (String s : typeAndRdata) {
      int space = s.indexOf(' ');
      out.add(normalize(s.substring(0, space), s.substring(space + 1)));
    }
    return out;
  }

  /** "type rdata" in one canonical text, whoever printed it (dnsjava parses and prints it). */
  private static String normalize(String type, String rdata) {
    try {
      Record r =
          Record.fromString(
              Name.root, Type.value(type.toUpperCase(Locale.ROOT)), DClass.IN, 0, rdata, Name.root);
      return (type + " " + r.rdataToString()).toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      throw new AssertionError("unparseable " + type + " " + rdata, e);
    }
  }
}
