package dev.discovery.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Environment;
import dev.discovery.k8s.KubernetesTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

/**
 * Which names are asked, in which order: libc's search-list rules, from the injected resolv.conf.
 */
class NameCandidatesTest {
  private static final String POD_RESOLV_CONF =
      "nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\n"
          + "options ndots:5\n";

  private static ClusterDefaults defaults(
      Map<Path, String> files, Optional<String> ns, Optional<String> zone) {
    return ClusterDefaults.load(
        Environment.of(Map.of(), files), ns.orElse(null), zone.orElse(null));
  }

  private static ClusterDefaults pod() {
    return defaults(
        Map.of(ClusterDefaults.RESOLV_CONF, POD_RESOLV_CONF), Optional.empty(), Optional.empty());
  }

  private static List<String> names(String target, ClusterDefaults d, boolean explicitServer) {
    return NameCandidates.of(KubernetesTarget.parse(target), d, explicitServer).stream()
        .map(Name::toString)
        .toList();
  }

  @Test
  void shortName_underNdots_triesEverySearchSuffixFirst_thenTheNameItself() {
    assertThat(names("k8s+dns:///web.other:80", pod(), false))
        .containsExactly(
            "web.other.shop.svc.cluster.local.",
            "web.other.svc.cluster.local.",
            "web.other.cluster.local.",
            "web.other.");
  }

  @Test
  void nameWithAsManyDotsAsNdots_isTriedAbsoluteFirst() {
    ClusterDefaults d =
        defaults(
            Map.of(ClusterDefaults.RESOLV_CONF, "search shop.svc.cluster.local\noptions ndots:2\n"),
            Optional.empty(),
            Optional.empty());
    assertThat(names("k8s+dns:///web.shop.svc:80", d, false))
        .startsWith("web.shop.svc.", "web.shop.svc.shop.svc.cluster.local.");
  }

  @Test
  void fullName_underNdots5_isStillAskedFirst_becauseItIsShapedFull() {
    assertThat(names("k8s+dns:///web.shop.svc.cluster.local:80", pod(), false))
        .first()
        .isEqualTo("web.shop.svc.cluster.local.");
  }

  @Test
  void explicitServer_asksTheFullNameFirst_withTheDefaultNamespace() {
    assertThat(names("k8s+dns:///web:80", pod(), true))
        .startsWith("web.shop.svc.cluster.local.", "web.svc.cluster.local.");
  }

  @Test
  void absoluteName_isAskedAsWritten_only() {
    assertThat(names("k8s+dns:///web.shop.svc.cluster.local.:80", pod(), true))
        .containsExactly("web.shop.svc.cluster.local.");
  }

  @Test
  void outsideAPod_theFullNameIsTheLastResort() {
    ClusterDefaults none = defaults(Map.of(), Optional.empty(), Optional.empty());
    assertThat(names("k8s+dns:///web.shop:80", none, false))
        .containsExactly("web.shop.", "web.shop.svc.cluster.local.");
  }

  @Test
  void searchDomainTooLongToAppend_isLeftOut_asMuslDoes() {
    String longDomain = "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + ".example";
    ClusterDefaults d =
        defaults(
            Map.of(
                ClusterDefaults.RESOLV_CONF,
                "search shop.svc.cluster.local " + longDomain + "\noptions ndots:5\n"),
            Optional.empty(),
            Optional.empty());
    assertThat(names("k8s+dns:///web.shop:80", d, false))
        .as("web.shop." + longDomain + " fits 255 bytes")
        .contains("web.shop." + longDomain + ".");
    assertThat(names("k8s+dns:///" + "s".repeat(60) + ".shop:80", d, false))
        .as("57 more bytes do not")
        .containsExactly(
            "s".repeat(60) + ".shop.shop.svc.cluster.local.",
            "s".repeat(60) + ".shop.",
            "s".repeat(60) + ".shop.svc.cluster.local.");
  }

  @Test
  void fullNameLongerThanDnsAllows_isAnErrorNamingItAndTheLimit() {
    String zone =
        "z".repeat(60) + "." + "y".repeat(60) + "." + "x".repeat(60) + "." + "w".repeat(60);
    ClusterDefaults d =
        defaults(
            Map.of(ClusterDefaults.RESOLV_CONF, "search shop.svc." + zone + "\n"),
            Optional.empty(),
            Optional.empty());
    assertThatThrownBy(() -> names("k8s+dns:///web:80", d, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "name: web.shop.svc."
                + zone
                + ". is 258 bytes (expected: at most 255 bytes, the DNS limit; check the Service,"
                + " namespace and cluster zone)");
  }

  @ParameterizedTest
  @CsvSource({
    // service-account namespace, search list, builder namespace, builder zone -> namespace, zone
    "team-a, search shop.svc.corp.local svc.corp.local corp.local, , , team-a, corp.local",
    ", search shop.svc.corp.local svc.corp.local corp.local, , , shop, corp.local",
    ", search example.com, , , default, cluster.local",
    ", , , , default, cluster.local",
    "team-a, search shop.svc.corp.local, mine, my.zone, mine, my.zone",
  })
  void defaults_comeFromTheServiceAccount_thenResolvConf_thenKubernetesDefaults(
      String saNamespace,
      String search,
      String builderNs,
      String builderZone,
      String ns,
      String zone) {
    Map<Path, String> files = new java.util.HashMap<>();
    if (saNamespace != null) {
      files.put(ClusterDefaults.SERVICE_ACCOUNT_DIR.resolve("namespace"), saNamespace + "\n");
    }
    if (search != null) {
      files.put(ClusterDefaults.RESOLV_CONF, "nameserver 10.96.0.10\n" + search + "\n");
    }
    ClusterDefaults d =
        defaults(files, Optional.ofNullable(builderNs), Optional.ofNullable(builderZone));
    assertThat(d.namespace()).isEqualTo(ns);
    assertThat(d.zone()).isEqualTo(zone);
  }

  @Test
  void resolvConf_isParsedByDnsjava_fromTheEnvironmentsText() {
    ResolvConf r = pod().resolvConf();
    assertThat(r.ndots()).isEqualTo(5);
    assertThat(r.servers())
        .extracting(a -> a.getAddress().getHostAddress())
        .containsExactly("10.96.0.10");
    assertThat(r.search()).hasSize(3);
  }
}
