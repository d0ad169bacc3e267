package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code discovery pick}, run as a process against a FakeDnsServer. */
class PickIT extends WithShopDns {
  private static List<String> bars(List<String> out) {
    return out.stream().filter(l -> l.matches("  127\\.\\S+:50051  web-\\d  .*%.*")).toList();
  }

  @Test
  void pick_random_drawsABarPerEndpoint_andIsRepeatableWithItsSeed() {
    String target = dns.target("web.shop:grpc");
    Cli.Result first = Cli.run("pick", target, "--calls", "3000", "--seed", "7");
    Cli.Result again = Cli.run("pick", target, "--calls", "3000", "--seed", "7");

    assertThat(first.exit()).as("%s", first).isZero();
    assertThat(first.out().get(1)).isEqualTo("policy random: 3,000 calls, seed 7");
    List<String> bars = bars(first.out());
    assertThat(bars).hasSize(3).allMatch(l -> l.contains("\u2588"));
    assertThat(bars.stream().mapToLong(PickIT::calls).sum()).isEqualTo(3000);
    assertThat(bars(again.out())).isEqualTo(bars);
  }

  @Test
  void pick_sticky_afterAScaleUp_movesKeysOnlyToTheNewEndpoint_andSaysHowMany() {
    try (Cli.Running p =
        Cli.start(
            "pick",
            dns.target("web.shop:grpc"),
            "--policy",
            "sticky",
            "--keys",
            "600",
            "--calls",
            "1200",
            "--changes",
            "1")) {
      p.awaitOut("the first chart", out -> bars(out).size() == 3);
      cluster.scale("shop", "web", 4);
      Cli.Result r = p.awaitExit(Cli.LIMIT);

      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(r.out().get(1))
          .isEqualTo("policy sticky: 1,200 calls over 600 keys (key-0 .. key-599)");
      List<String> after = bars(r.out()).subList(3, 7);
      String web3 = after.stream().filter(l -> l.contains("web-3")).findFirst().orElseThrow();
      long web3Keys = keys(web3);
      assertThat(calls(web3)).isEqualTo(2 * web3Keys);
      Matcher m =
          Pattern.compile(
                  "  keys moved: (\\d+) of 600 \\(.*\\): 0 from endpoints gone, (\\d+) to new"
                      + " endpoints, (\\d+) between endpoints that stayed")
              .matcher(r.stdout());
      assertThat(m.find()).as("%s", r).isTrue();
      assertThat(Long.parseLong(m.group(2))).isEqualTo(web3Keys);
      assertThat(Long.parseLong(m.group(1)))
          .isEqualTo(web3Keys + Long.parseLong(m.group(3)))
          .isBetween(100L, 200L);
    }
  }

  @Test
  void pick_unknownPolicy_listsTheKnownOnes_exitCode2() {
    Cli.Result r = Cli.run("pick", dns.target("web.shop:grpc"), "--policy", "round-robin");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0))
        .isEqualTo(
            "Invalid value for option '--policy': policy: \"round-robin\" (expected one of:"
                + " least_request, random, sticky)");
  }

  @Test
  void pick_keysOutOfRange_isAUsageError_exitCode2() {
    Cli.Result r =
        Cli.run("pick", dns.target("web.shop:grpc"), "--policy", "sticky", "--keys", "0");

    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().get(0))
        .isEqualTo("Invalid value for option '--keys': 0 (expected: 1..1000000)");
  }

  private static long calls(String bar) {
    Matcher m = Pattern.compile("  ([\\d,]+) +[\\d.]+%").matcher(bar);
    assertThat(m.find()).as(bar).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  private static long keys(String bar) {
    Matcher m = Pattern.compile("%  (\\d+) keys").matcher(bar);
    assertThat(m.find()).as(bar).isTrue();
    return Long.parseLong(m.group(1));
  }
}
