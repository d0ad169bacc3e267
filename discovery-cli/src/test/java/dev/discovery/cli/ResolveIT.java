package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** {@code discovery resolve}, run as a process against a FakeDnsServer on loopback. */
class ResolveIT extends WithShopDns {
  @Test
  void resolve_headless_printsKindSourceWithReason_ttl_andTheEndpointTable() {
    Cli.Result r = Cli.run("resolve", "web.shop:grpc", "--dns-server", shop.server());

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains(
            "target     k8s:///web.shop:grpc",
            "kind       HEADLESS",
            "source     dns (not in a cluster and no kubeconfig: KUBERNETES_SERVICE_HOST and"
                + " KUBECONFIG unset, ~/.kube/config absent)",
            "endpoints  3 endpoints, 3 ready");
    assertThat(r.stdout())
        .containsPattern("resolved   \\S+Z  revision 1  ttl 1 s  staleness \\d+ ms");
    assertThat(r.out())
        .contains("ADDRESS    PORT   HOSTNAME  ZONE  NODE  READY  SERVING  TERM")
        .contains(
            shop.webIps().get(0) + "  50051  web-0     -     -     yes    yes      no",
            shop.webIps().get(1) + "  50051  web-1     -     -     yes    yes      no",
            shop.webIps().get(2) + "  50051  web-2     -     -     yes    yes      no");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void resolve_json_givesEveryEndpointWithItsConditions_forScripts() throws Exception {
    Cli.Result r = Cli.run("resolve", dns.target("web.shop:grpc"), "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    Map<String, Object> json = JSON.std.mapFrom(r.stdout());
    assertThat(json)
        .containsEntry("target", dns.target("web.shop:grpc"))
        .containsEntry("kind", "HEADLESS")
        .containsEntry("ttlSeconds", 1.0);
    assertThat(json.get("source"))
        .asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsEntry("name", "dns")
        .containsEntry("reason", null);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) json.get("endpoints");
    assertThat(endpoints)
        .extracting(e -> e.get("address"))
        .containsExactlyElementsOf(shop.webIps());
    assertThat(endpoints)
        .extracting(e -> e.get("hostname"))
        .containsExactly("web-0", "web-1", "web-2");
    assertThat(endpoints)
        .allSatisfy(
            e ->
                assertThat(e)
                    .containsEntry("port", 50051)
                    .containsEntry("ready", true)
                    .containsEntry("serving", true)
                    .containsEntry("terminating", false));
  }

  @Test
  void resolve_namespaceOption_appliesToABareServiceName() {
    Cli.Result r = Cli.run("resolve", "web:grpc", "-n", "shop", "--dns-server", shop.server());

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("kind       HEADLESS", "endpoints  3 endpoints, 3 ready");
  }

  @Test
  void resolve_clusterIp_showsTheVirtualIp_andTheSdkWarnsOnStderr() {
    Cli.Result r = Cli.run("resolve", "api.shop:grpc", "--dns-server", shop.server());

    assertThat(r.exit()).as("%s", r).isZero();
    String vip = cluster.service("shop", "api").orElseThrow().clusterIps().get(0).getHostAddress();
    assertThat(r.out())
        .contains("kind       CLUSTER_IP")
        .anyMatch(l -> l.startsWith(vip + "  443  "));
    assertThat(r.err())
        .singleElement()
        .asString()
        .startsWith("WARN DnsResolver - ")
        .contains("is a ClusterIP Service");
  }

  @Test
  void resolve_unknownService_isNotFound_exitCode1_oneLine() {
    Cli.Result r = Cli.run("resolve", "nope.shop:grpc", "--dns-server", shop.server());

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.FAILED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .singleElement()
        .asString()
        .startsWith("discovery: k8s:///nope.shop:grpc: NOT_FOUND: no such Service");
  }

  @Test
  void resolve_badTarget_printsTheSpecificErrorAndUsage_exitCode2() {
    Cli.Result r = Cli.run("resolve", "web.shop:99999", "--dns-server", shop.server());

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0))
        .isEqualTo(
            "Invalid TARGET: port: 99999 (expected: 1..65535) in target \"k8s:///web.shop:99999\"");
    assertThat(r.err()).anyMatch(l -> l.startsWith("Usage: discovery resolve "));
    assertThat(r.out()).isEmpty();
  }

  @Test
  void resolve_badOptionValue_printsTheSpecificErrorAndUsage_exitCode2() {
    Cli.Result r = Cli.run("resolve", "web.shop:grpc", "--dns-server", "dns.example:53");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0))
        .isEqualTo(
            "Invalid value for option '--dns-server': \"dns.example:53\" is a host name (expected: an"
                + " IP address, as in 10.96.0.10:53)");
    assertThat(r.err()).anyMatch(l -> l.startsWith("Usage: discovery resolve "));
  }

  @Test
  void unknownCommand_isAUsageError_exitCode2() {
    Cli.Result r = Cli.run("resolv", "web.shop:grpc");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0))
        .isEqualTo("Unmatched arguments from index 0: 'resolv', 'web.shop:grpc'");
  }

  @Test
  void resolve_unreachableServer_isOneLineWithoutStackTrace_exitCode3() {
    int port = Cli.closedLoopbackPort();

    Cli.Result r = Cli.run("resolve", "web.shop:grpc", "--dns-server", "127.0.0.1:" + port);

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .singleElement()
        .asString()
        .startsWith(
            "discovery: k8s:///web.shop:grpc: UNAVAILABLE: DNS server 127.0.0.1:" + port + " ")
        .doesNotContain("Exception", "null");
  }

  @Test
  void resolve_unreachableServer_json_saysUnavailable_onStdout() throws Exception {
    int port = Cli.closedLoopbackPort();

    Cli.Result r =
        Cli.run(
            "resolve",
            "k8s+dns://127.0.0.1:" + port + "/web.shop:grpc",
            "--json",
            "--timeout",
            "3s");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.UNAVAILABLE);
    Map<String, Object> json = JSON.std.mapFrom(r.stdout());
    assertThat(json).containsEntry("target", "k8s+dns://127.0.0.1:" + port + "/web.shop:grpc");
    assertThat(json.get("error")).asString().contains("kind=UNAVAILABLE");
    assertThat(r.err()).hasSize(1);
  }
}
