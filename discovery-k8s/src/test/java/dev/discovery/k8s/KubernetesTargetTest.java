package dev.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Target;
import dev.discovery.spi.ServicePort;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesTargetTest {

  /** Through the default registry: every scheme here has its provider installed. */
  private static Target parse(String text) {
    return Target.parse(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "k8s:///web",
        "k8s:///web:80",
        "k8s:///web:grpc",
        "k8s:///web.shop",
        "k8s:///web.shop:grpc",
        "k8s:///web.shop.svc",
        "k8s:///web.shop.svc.cluster.local",
        "k8s:///web.shop.svc.cluster.local.:8080",
        "k8s:///web.",
        "k8s+dns:///web.shop",
        "k8s+dns://10.96.0.10/web.shop:http",
        "k8s+dns://10.96.0.10:53/web.shop:http",
        "k8s+dns://[::1]:5353/web.shop.svc.cluster.local.:http",
        "k8s+dns://kube-dns.kube-system/web",
        "k8s+api:///web.shop:grpc",
        "k8s+api://api.example.com:6443/web.shop",
        "k8s+api:///web.shop:http?access=nodePort",
        "k8s+api:///web.shop?access=loadBalancer",
        "k8s:///web.shop:80?access=pods",
        "k8s+dns:///web.shop:http?access=pods",
        "static:///10.0.0.1:80",
        "static:///10.0.0.1:80,10.0.0.2:8080",
        "static:///[::1]:80,127.0.0.1:80",
        "static:///[2001:db8::1]:443",
      })
  void parse_thenPrint_isTheSameText(String text) {
    Target t = parse(text);
    assertThat(t.toString()).isEqualTo(text);
    assertThat(parse(t.toString())).isEqualTo(t);
  }

  @Test
  void parse_splitsEveryPart() {
    KubernetesTarget t =
        (KubernetesTarget) Target.parse("k8s+dns://[::1]:5353/web.shop.svc.cluster.local.:grpc");
    assertThat(t.scheme()).isEqualTo("k8s+dns");
    assertThat(t.authority()).isEqualTo("[::1]:5353");
    assertThat(t.service()).isEqualTo("web");
    assertThat(t.namespace()).isEqualTo("shop");
    assertThat(t.svc()).isTrue();
    assertThat(t.zone()).isEqualTo("cluster.local");
    assertThat(t.absolute()).isTrue();
    assertThat(t.port()).isEqualTo(new ServicePort.Name("grpc"));
  }

  @Test
  void parse_accessMode_isCarriedAfterThePort() {
    KubernetesTarget t = KubernetesTarget.parse("k8s+api:///web.shop:http?access=NODEPORT");
    assertThat(t.access()).isEqualTo(AccessMode.NODE_PORT);
    assertThat(t.port()).isEqualTo(new ServicePort.Name("http"));
    assertThat(t.toString()).isEqualTo("k8s+api:///web.shop:http?access=nodePort");
    assertThat(KubernetesTarget.parse("k8s:///web.shop").access()).isNull();
    assertThat(t.withScheme("k8s").withPort(null).access()).isEqualTo(AccessMode.NODE_PORT);
  }

  @ParameterizedTest
  @MethodSource("badAccess")
  void parse_badAccess_namesItAndTheExpectedForm(String text, String message) {
    assertThatThrownBy(() -> KubernetesTarget.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  static Stream<Arguments> badAccess() {
    return Stream.of(
        Arguments.of(
            "k8s+dns:///web.shop:http?access=nodePort",
            "access: nodePort needs the API source (expected: k8s+api:// or k8s://)"),
        Arguments.of(
            "k8s+dns:///web.shop?access=loadBalancer",
            "access: loadBalancer needs the API source (expected: k8s+api:// or k8s://)"),
        Arguments.of(
            "k8s+api:///web.shop?access=nodes",
            "access: \"nodes\" (expected: access=pods, access=nodePort or access=loadBalancer)"),
        Arguments.of(
            "k8s+api:///web.shop?mode=pods",
            "query: \"mode=pods\" (expected: access=pods, access=nodePort or"),
        Arguments.of(
            "k8s+api:///web.shop?access=pods&x=1", "query: \"access=pods&x=1\" (expected:"));
  }

  @Test
  void dnsTarget_withNodePortAccess_isRefusedWhenBuiltByHand() {
    KubernetesTarget api = KubernetesTarget.parse("k8s+api:///web.shop:http?access=nodePort");
    assertThatThrownBy(() -> api.withScheme(KubernetesTarget.K8S_DNS))
        .hasMessage("access: nodePort needs the API source (expected: k8s+api:// or k8s://)");
  }

  @Test
  void parse_isCaseInsensitive_andKeepsLowerCase() {
    assertThat(Target.parse("K8S:///Web.Shop:GRPC"))
        .isEqualTo(Target.parse("k8s:///web.shop:grpc"));
  }

  @Test
  void parse_leavesDefaultsToTheResolver() {
    KubernetesTarget t = (KubernetesTarget) Target.parse("k8s:///web");
    assertThat(t.namespace()).isNull();
    assertThat(t.zone()).isNull();
    assertThat(t.port()).isNull();
  }

  @Test
  void parse_staticList_keepsOrderAndFamilies_inCanonicalText() {
    assertThat(parse("static:///10.0.0.2:80,[0:0::1]:81").toString())
        .isEqualTo("static:///10.0.0.2:80,[::1]:81");
    assertThat(parse("static:///10.0.0.2:80,[::1]:81").serviceAuthority()).isEqualTo("10.0.0.2:80");
  }

  static Stream<Arguments> badTargets() {
    return Stream.of(
        Arguments.of("web.shop", "has no scheme (expected: <scheme>://"),
        Arguments.of(
            "http:///web",
            "scheme: \"http\" in \"http:///web\" has no resolver installed (expected one of: k8s,"
                + " k8s+api, k8s+dns, static)"),
        Arguments.of(
            "k8s:///web.shop:\u0668\u0660",
            "port: \"\u0668\u0660\" has '\u0668' (U+0668) (expected: ASCII letters, digits, '-' and"
                + " '.' only)"),
        Arguments.of(
            "k8s:///\u212Aube.shop",
            "name: \"\u212Aube.shop\" has '\u212A' (U+212A) (expected: ASCII letters, digits"),
        Arguments.of(
            "k8s+dns://10.0.0.1:\u0665\u0663/web",
            "authority: \"10.0.0.1:\u0665\u0663\" has '\u0665' (U+0665)"),
        Arguments.of(
            "static:///127.0.0.1:\u0668\u0660",
            "static address: \"127.0.0.1:\u0668\u0660\": port \"\u0668\u0660\" is not a number"),
        Arguments.of(
            "k8s:///web."
                + "a".repeat(63)
                + ".svc."
                + "b".repeat(63)
                + "."
                + "c".repeat(63)
                + "."
                + "d".repeat(63),
            "name: 263 characters (expected: a DNS name of at most 253 characters, namespace, svc"
                + " and zone included)"),
        Arguments.of("k8s://web.shop", "has no '/' after the authority"),
        Arguments.of("k8s:///", "service: empty"),
        Arguments.of("k8s:///:80", "service: empty"),
        Arguments.of(
            "k8s:///1web",
            "service: \"1web\" does not start with a letter (expected: a DNS-1035 label"),
        Arguments.of("k8s:///web_1", "service: \"web_1\" has '_'"),
        Arguments.of("k8s:///web-", "service: \"web-\" ends with '-'"),
        Arguments.of("k8s:///" + "a".repeat(64), "is 64 characters long"),
        Arguments.of(
            "k8s:///web.-shop", "namespace: \"-shop\" starts with '-' (expected: a DNS-1123 label"),
        Arguments.of("k8s:///web..svc", "namespace: \"\" is empty"),
        Arguments.of("k8s:///web.shop.cluster.local", "third label \"cluster\" (expected: \"svc\""),
        Arguments.of(
            "k8s:///web.shop.svc.cluster..local", "zone: \"cluster..local\": label \"\" is empty"),
        Arguments.of("k8s:///web:0", "port: 0 (expected: 1..65535)"),
        Arguments.of("k8s:///web:65536", "port: 65536 (expected: 1..65535)"),
        Arguments.of("k8s:///web:1234567", "port: 1234567 (expected: 1..65535)"),
        Arguments.of("k8s:///web:", "port: empty after ':'"),
        Arguments.of("k8s:///web:grpc_web", "port name: \"grpc_web\" has '_'"),
        Arguments.of(
            "k8s:///web:a-very-long-port-name",
            "port name: \"a-very-long-port-name\" is 21 characters long"),
        Arguments.of("k8s:///web:g--rpc", "has '--'"),
        Arguments.of("k8s:///web:-grpc", "starts or ends with '-'"),
        Arguments.of(
            "k8s://10.96.0.10/web", "authority: \"10.96.0.10\" on scheme k8s (expected: none"),
        Arguments.of(
            "k8s+dns://10.96.0.10:99999/web",
            "port: 99999 of DNS server \"10.96.0.10:99999\" (expected: 1..65535)"),
        Arguments.of("k8s+dns://::1/web", "an IPv6 address needs brackets"),
        Arguments.of("k8s+dns://a_b/web", "\"a_b\" is not a host name or IP address"),
        Arguments.of("static://x/10.0.0.1:80", "authority: \"x\" on scheme static"),
        Arguments.of("static:///", "static addresses: empty"),
        Arguments.of("static:///10.0.0.1", "static address: \"10.0.0.1\": no port"),
        Arguments.of("static:///10.0.0.1:80,", "static address: \"\": no port"),
        Arguments.of("static:///10.0.0.256:80", "\"10.0.0.256\" is not an IP address"),
        Arguments.of("static:///web.shop:80", "\"web.shop\" is not an IP address"),
        Arguments.of("static:///::1:80", "an IPv6 address needs brackets"),
        Arguments.of("static:///[::1]", "an IPv6 address needs brackets and a port"),
        Arguments.of("static:///[10.0.0.1]:80", "is not an IPv6 address"),
        Arguments.of(
            "static:///10.0.0.1:0",
            "port: 0 in static address \"10.0.0.1:0\" (expected: 1..65535)"),
        Arguments.of("static:///10.0.0.1:80,10.0.0.1:80", "(expected: no address twice)"));
  }

  @ParameterizedTest
  @MethodSource("badTargets")
  void parse_badInput_namesThePartAndTheExpectedForm(String text, String message) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  /** Property: every target built from random valid parts prints and parses back to itself. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomValidTargets_roundTrip(long seed) {
    Random random = new Random(seed);
    IntStream.range(0, 500)
        .forEach(
            i -> {
              Target t = randomTarget(random);
              assertThat(parse(t.toString())).as(t.toString()).isEqualTo(t);
            });
  }

  private static Target randomTarget(Random r) {
    String scheme = r.nextBoolean() ? "k8s" : (r.nextBoolean() ? "k8s+dns" : "k8s+api");
    String authority =
        scheme.equals("k8s") || r.nextBoolean()
            ? ""
            : "10.0." + r.nextInt(256) + ".1:" + (1 + r.nextInt(65535));
    String service = label(r, true);
    String namespace = r.nextInt(4) == 0 ? null : label(r, false);
    boolean svc = namespace != null && r.nextBoolean();
    String zone = svc && r.nextBoolean() ? label(r, false) + "." + label(r, false) : null;
    ServicePort port =
        switch (r.nextInt(3)) {
          case 0 -> null;
          case 1 -> new ServicePort.Number(1 + r.nextInt(65535));
          default -> new ServicePort.Name("p" + label(r, false).substring(0, 1) + r.nextInt(1000));
        };
    AccessMode access =
        r.nextBoolean() || scheme.equals("k8s+dns")
            ? null
            : AccessMode.values()[r.nextInt(AccessMode.values().length)];
    return new KubernetesTarget(
        scheme, authority, service, namespace, svc, zone, r.nextBoolean(), port, access);
  }

  private static String label(Random r, boolean letterFirst) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
    int len = 1 + r.nextInt(20);
    StringBuilder b = new StringBuilder();
    b.append(
        letterFirst || r.nextBoolean()
            ? (char) ('a' + r.nextInt(26))
            : (char) ('0' + r.nextInt(10)));
    for (int i = 1; i < len; i++) {
      char c = alphabet.charAt(r.nextInt(alphabet.length()));
      b.append(i == len - 1 && c == '-' ? 'z' : c);
    }
    return b.toString();
  }

  @Test
  void dnsBuilder_refusesBadNamespaceAndZone() {
    assertThatThrownBy(() -> DnsResolverProvider.builder().namespace("Shop_1"))
        .hasMessage("namespace: \"Shop_1\" has 'S' (expected: a DNS-1123 label)");
    assertThatThrownBy(() -> DnsResolverProvider.builder().clusterDomain("cluster..local"))
        .hasMessageContaining("clusterDomain: \"cluster..local\": label \"\" is empty");
  }

  @Test
  void dnsBuilder_refusesAZoneNoServiceNameFitsIn() {
    String zone = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(56));
    assertThatThrownBy(() -> DnsResolverProvider.builder().clusterDomain(zone))
        .hasMessage(
            "clusterDomain: 248 characters (expected: at most 245, so that"
                + " <service>.<namespace>.svc.<zone> fits a DNS name's 253)");
    String longest = zone.substring(3);
    DnsResolverProvider.builder().clusterDomain(longest); // 245: a.b.svc.<zone> is 253
  }
}
