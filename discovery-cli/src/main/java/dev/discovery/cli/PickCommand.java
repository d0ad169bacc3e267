package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.NoEndpointAvailableException;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code discovery pick TARGET}: where a policy sends calls, as a bar chart, and how it moves. */
@Command(
    name = "pick",
    mixinStandardHelpOptions = true,
    description = {
      "Show where a policy (random, sticky, least_request...) sends calls, as a bar chart per endpoint.",
      "Resolves TARGET, makes --calls picks with the SDK's balancer and shows how they spread across"
          + " the endpoints as a bar chart. With sticky, call i uses key-(i mod --keys).",
      "With --changes or --duration it keeps watching (else it picks once): after each change of"
          + " the endpoint list it"
          + " prints the diff, the new distribution and, for sticky, how many keys moved (and"
          + " whether they had to: their endpoint is gone, or they went to a new one)."
    })
final class PickCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

  @Mixin PickOptions picks;

  @Mixin Bounds bounds;

  @Parameters(
      paramLabel = "TARGET",
      description = "Whose endpoints to pick, such as web.shop:grpc.")
  String target;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      defaultValue = "random",
      description = "random, sticky, or another installed policy (default: ${DEFAULT-VALUE}).")
  String policy;

  @Override
  public Integer call() throws InterruptedException {
    Target t = source.target(target);
    picks.check();
    bounds.check();
    Policy factory = factory();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    char glyph = Terminal.barGlyph();
    Clock clock = Clock.systemDefaultZone();
    try (Discovery discovery = source.open();
        ServiceWatch watch = discovery.watch(t)) {
      FirstAnswer answer = FirstAnswer.await(watch, source.timeout);
      if (answer.error() != null) {
        err.println(FirstAnswer.describe(t.toString(), answer.error()));
        return ExitCodes.of(answer.error());
      }
      // The balancer subscribes first, so it has every change before this command hears of it.
      Balancer balancer = watch.balancer(factory);
      EventStream events = new EventStream(clock, bounds.duration);
      watch.subscribe(events);
      List<String> keys = factory.keyed() ? PickStats.keys(picks.keys) : List.of();
      EndpointSet set = answer.set();
      out.println(t + ": " + WatchPrinter.describe(set));
      out.println(
          "policy "
              + balancer.policy().name()
              + ": "
              + String.format(Locale.ROOT, "%,d", picks.calls)
              + " calls"
              + (keys.isEmpty()
                  ? (factory.name().equals("random") ? ", seed " + picks.seed : "")
                  : String.format(
                      Locale.ROOT,
                      " over %,d keys (key-0 .. key-%d)",
                      picks.keys,
                      picks.keys - 1)));
      PickStats.Distribution last = distribution(out, err, balancer, set, keys, glyph);
      if (bounds.none()) {
        return last == null ? ExitCodes.FAILED : ExitCodes.OK;
      }
      WatchPrinter printer = new WatchPrinter(out, false, clock.getZone());
      int shown = 0;
      EventStream.Timed e;
      while (!bounds.reached(shown) && (e = events.next()) != null) {
        if (e.event() instanceof WatchEvent.Changed c && c.previous() == null) {
          if (c.current().revision() == set.revision()) {
            continue; // the replay of the list shown above
          }
          // changed between the first answer and the subscription
          e = new EventStream.Timed(e.at(), new WatchEvent.Changed(c.target(), set, c.current()));
        }
        out.println();
        printer.print(e);
        if (e.event() instanceof WatchEvent.Changed c) {
          shown++;
          PickStats.Distribution now = distribution(out, err, balancer, c.current(), keys, glyph);
          if (now != null && last != null && !keys.isEmpty()) {
            out.println(
                "  "
                    + PickStats.moves(
                            last.owners(),
                            now.owners(),
                            PickStats.eligible(set),
                            PickStats.eligible(c.current()))
                        .describe());
          }
          if (now != null) {
            last = now;
            set = c.current();
          }
        }
      }
      return watch.lastError().map(ExitCodes::of).orElse(ExitCodes.OK);
    }
  }

  private PickStats.Distribution distribution(
      PrintWriter out,
      PrintWriter err,
      Balancer balancer,
      EndpointSet set,
      List<String> keys,
      char glyph) {
    try {
      PickStats.Distribution d = PickStats.run(balancer, set, picks.calls, keys);
      PickStats.chart(set, d, picks.width, glyph, "  ").forEach(out::println);
      return d;
    } catch (NoEndpointAvailableException e) {
      err.println("discovery: " + e.getMessage());
      return null;
    }
  }

  private Policy factory() {
    try {
      return switch (policy.toLowerCase(Locale.ROOT)) {
        case "random" -> Policies.random(new Random(picks.seed));
        case "sticky" -> Policies.sticky();
        default -> Policies.byName(policy);
      };
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--policy': " + e.getMessage());
    }
  }
}
