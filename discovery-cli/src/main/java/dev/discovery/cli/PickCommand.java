package dev.discovery.cli;

import dev.discovery.api.Balancer;
import dev.discovery.api.Balancers;
import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.NoEndpointAvailableException;
import dev.discovery.api.PickerFactory;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
      "Show where a policy (random, sticky) sends calls, as a bar chart per endpoint.",
      "Resolves TARGET, makes --calls picks with the SDK's balancer and shows how they spread across"
          + " the endpoints as a bar chart. With sticky, call i uses key-(i mod --keys).",
      "With --changes or --duration it keeps watching: after each change of the endpoint list it"
          + " prints the diff, the new distribution and, for sticky, how many keys moved (and"
          + " whether they had to: their endpoint is gone, or they went to a new one)."
    })
final class PickCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

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

  @Option(
      names = "--keys",
      paramLabel = "N",
      defaultValue = "1000",
      description = "How many distinct keys sticky calls use (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--calls",
      paramLabel = "M",
      defaultValue = "10000",
      description = "How many picks per distribution (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "1",
      description =
          "The seed of random's picks, for repeatable charts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--changes",
      paramLabel = "N",
      defaultValue = "0",
      description = "Keep watching until N changes have been shown (default: 0, pick once).")
  int changes;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = SourceOptions.DurationConverter.class,
      description =
          "Keep watching for this long (default: pick once; with --changes, whichever ends"
              + " first).")
  Duration duration;

  @Option(
      names = "--width",
      paramLabel = "COLUMNS",
      defaultValue = "40",
      description = "The longest bar, in characters (default: ${DEFAULT-VALUE}).")
  int width;

  @Override
  public Integer call() throws InterruptedException {
    Target t = source.target(target);
    positive("--keys", keys, 1, 1_000_000);
    positive("--calls", calls, 1, 100_000_000);
    positive("--changes", changes, 0, 1_000_000);
    positive("--width", width, 1, 500);
    PickerFactory factory = factory();
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
      BlockingQueue<WatchPrinter.Timed> events = new LinkedBlockingQueue<>();
      watch.subscribe(e -> events.add(new WatchPrinter.Timed(clock.instant(), e)));
      List<String> keyList = factory.keyed() ? PickStats.keys(keys) : List.of();
      EndpointSet set = answer.set();
      out.println(t + ": " + WatchPrinter.describe(set));
      out.println(
          "policy "
              + balancer.policy()
              + ": "
              + String.format(Locale.ROOT, "%,d", calls)
              + " calls"
              + (keyList.isEmpty()
                  ? (factory.name().equals("random") ? ", seed " + seed : "")
                  : " over " + keys + " keys (key-0 .. key-" + (keys - 1) + ")"));
      PickStats.Distribution last = distribution(out, err, balancer, set, keyList, glyph);
      if (last == null && changes == 0 && duration == null) {
        return ExitCodes.FAILED;
      }
      if (changes == 0 && duration == null) {
        return ExitCodes.OK;
      }
      WatchPrinter printer = new WatchPrinter(out, false, clock.getZone());
      Instant deadline = duration == null ? null : clock.instant().plus(duration);
      int shown = 0;
      while (changes == 0 || shown < changes) {
        WatchPrinter.Timed e;
        if (deadline == null) {
          e = events.take();
        } else {
          long left = Duration.between(clock.instant(), deadline).toMillis();
          e = left <= 0 ? null : events.poll(left, TimeUnit.MILLISECONDS);
        }
        if (e == null) {
          break;
        }
        if (e.event() instanceof WatchEvent.Changed c && c.previous() == null) {
          if (c.current().revision() == set.revision()) {
            continue; // the replay of the list shown above
          }
          // changed between the first answer and the subscription
          e = new WatchPrinter.Timed(e.at(), new WatchEvent.Changed(c.target(), set, c.current()));
        }
        out.println();
        printer.print(e);
        if (e.event() instanceof WatchEvent.Changed c) {
          shown++;
          PickStats.Distribution now =
              distribution(out, err, balancer, c.current(), keyList, glyph);
          if (now != null && last != null && !keyList.isEmpty()) {
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
      List<String> keyList,
      char glyph) {
    try {
      PickStats.Distribution d = PickStats.run(balancer, set, calls, keyList);
      PickStats.chart(set, d, width, glyph, "  ").forEach(out::println);
      return d;
    } catch (NoEndpointAvailableException e) {
      err.println("discovery: " + e.getMessage());
      return null;
    }
  }

  private PickerFactory factory() {
    try {
      return switch (policy.toLowerCase(Locale.ROOT)) {
        case "random" -> Balancers.random(new Random(seed));
        case "sticky" -> Balancers.sticky();
        default -> Balancers.byName(policy);
      };
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--policy': " + e.getMessage());
    }
  }

  private void positive(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '"
              + option
              + "': "
              + value
              + " (expected: "
              + min
              + ".."
              + max
              + ")");
    }
  }
}
