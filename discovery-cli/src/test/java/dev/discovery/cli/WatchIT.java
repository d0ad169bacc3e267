package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** {@code discovery watch}, run as a process against a FakeDnsServer whose cluster changes. */
class WatchIT extends WithShopDns {
  private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d  ";

  @Test
  void watch_printsTheList_thenTimeStampedDiffsOfClusterChanges_untilKilled() {
    try (Cli.Running w = Cli.start("watch", dns.target("web.shop:grpc"))) {
      w.awaitOut("the first list", out -> out.stream().filter(l -> l.contains("+ ")).count() == 3);
      assertThat(w.out().get(0))
          .matches(TIME + "resolved   HEADLESS from dns, 3 endpoints, 3 ready, ttl 1 s");

      cluster.scale("shop", "web", 4);
      w.awaitOut(
          "web-3 added", out -> out.stream().anyMatch(l -> l.contains("+ " + shop.ipOf("web-3"))));
      cluster.startTerminating("shop", "web-0");
      w.awaitOut(
          "web-0 removed",
          out -> out.stream().anyMatch(l -> l.contains("- " + shop.ipOf("web-0"))));

      List<String> out = w.out();
      assertThat(out)
          .anyMatch(l -> l.matches(TIME + "changed    revision 2: 1 added"))
          .contains("              + " + shop.ipOf("web-3") + ":50051  web-3  ready")
          .noneMatch(l -> l.contains("~ ")) // scaling changes no endpoint that stays
          .anyMatch(l -> l.matches(TIME + "changed    revision 3: 1 removed"))
          .contains("              - " + shop.ipOf("web-0") + ":50051  web-0  ready");
      assertThat(w.err()).singleElement().asString().startsWith("discovery: watching ");
    }
  }

  @Test
  void watch_showsTheServerFailing_theListKept_andTheRecovery() {
    try (Cli.Running w = Cli.start("watch", dns.target("web.shop:grpc"))) {
      w.awaitOut("the first list", out -> out.stream().filter(l -> l.contains("+ ")).count() == 3);

      dns.stop();
      w.awaitOut(
          "a failure", out -> out.stream().anyMatch(l -> l.contains("failed     UNAVAILABLE")));
      dns.restart();
      w.awaitOut("the recovery", out -> out.stream().anyMatch(l -> l.contains("recovered  ")));

      assertThat(w.out())
          .anyMatch(
              l ->
                  l.matches(
                      TIME
                          + "failed     UNAVAILABLE: DNS server 127\\.0\\.0\\.1:"
                          + dns.port()
                          + " .*"))
          .anyMatch(
              l ->
                  l.matches(
                      " +keeping the last good list: 3 endpoints, 3 ready, stale for .*; retrying"
                          + " with backoff"))
          .anyMatch(
              l ->
                  l.matches(
                      TIME
                          + "recovered  the source answers again after failing for .*; endpoints"
                          + " unchanged: 3 endpoints, 3 ready"));
    }
  }

  @Test
  void watch_status_printsTheDiscoveryStatusAfterEachEvent() throws Exception {
    try (Cli.Running w =
        Cli.start("watch", dns.target("web.shop:grpc"), "--status", "--changes", "1")) {
      w.awaitOut("the first status", out -> out.stream().anyMatch(l -> l.contains("status ")));
      cluster.setReady("shop", "web-1", false);
      Cli.Result r = w.awaitExit(Cli.LIMIT);

      assertThat(r.exit()).as("%s", r).isZero();
      String target = dns.target("web.shop:grpc").replace(".", "\\.").replace("+", "\\+");
      assertThat(r.out())
          .anyMatch(
              l ->
                  l.matches(
                      TIME
                          + "status     "
                          + target
                          + " source=dns kind=HEADLESS endpoints=3 ready=3 serving=3"
                          + " terminating=0 ejected=0 stale=\\d+\\.\\d+s revision=1 watches=1"
                          + " balancers=0 subscribers=1"))
          .anyMatch(
              l ->
                  l.matches(
                      TIME
                          + "status     "
                          + target
                          + " source=dns kind=HEADLESS endpoints=2 ready=2 serving=2 .*"
                          + " revision=2 .*"));
    }
  }

  @Test
  void watch_json_changesBound_printsOneObjectPerEvent_andExitsZero() throws Exception {
    try (Cli.Running w =
        Cli.start("watch", dns.target("web.shop:grpc"), "--json", "--changes", "1")) {
      w.awaitOut("the first list", out -> !out.isEmpty());
      cluster.setReady("shop", "web-1", false);
      Cli.Result r = w.awaitExit(Cli.LIMIT);

      assertThat(r.exit()).as("%s", r).isZero();
      List<Map<String, Object>> events = new ArrayList<>();
      for (String line : r.out()) {
        events.add(JSON.std.mapFrom(line));
      }
      assertThat(events).extracting(e -> e.get("event")).containsExactly("resolved", "changed");
      @SuppressWarnings("unchecked")
      Map<String, Object> diff = (Map<String, Object>) events.get(1).get("diff");
      assertThat(diff.get("added")).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
      assertThat(diff.get("removed"))
          .asInstanceOf(InstanceOfAssertFactories.LIST)
          .singleElement()
          .asString()
          .contains("address=" + shop.ipOf("web-1"));
    }
  }
}
