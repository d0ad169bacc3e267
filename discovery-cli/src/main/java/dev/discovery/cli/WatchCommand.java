package dev.discovery.cli;

import dev.discovery.api.Discovery;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/** {@code discovery watch TARGET}: a live diff of the endpoint list until interrupted. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Watch TARGET: a live, time-stamped diff of its endpoints until Ctrl-C.",
      "Prints each change of the endpoint list as it happens"
          + " (+ added, - removed, ~ changed, with time stamps), and each failure and recovery"
          + " of the source. Runs until Ctrl-C (exit code 130), or until --duration or --changes"
          + " is reached (exit code 0, or the last error's code if the source is failing then)."
    })
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

  @Parameters(paramLabel = "TARGET", description = "What to watch, such as web.shop:grpc.")
  String target;

  @Option(names = "--json", description = "One JSON object per event and line, for scripts.")
  boolean json;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = SourceOptions.DurationConverter.class,
      description = "Stop after this long (default: run until interrupted).")
  Duration duration;

  @Option(
      names = "--changes",
      paramLabel = "N",
      description =
          "Stop after N changes following the first list (default: run until interrupted).")
  Integer changes;

  @Override
  public Integer call() throws InterruptedException {
    Target t = source.target(target);
    if (changes != null && changes < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--changes': " + changes + " (expected: >= 1)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.systemDefaultZone();
    Discovery discovery = source.open();
    Thread hook = new Thread(discovery::close, "discovery-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (discovery;
        ServiceWatch watch = discovery.watch(t)) {
      BlockingQueue<WatchPrinter.Timed> events = new LinkedBlockingQueue<>();
      watch.subscribe(e -> events.add(new WatchPrinter.Timed(clock.instant(), e)));
      err.println(
          "discovery: watching "
              + t
              + (duration == null && changes == null ? " until Ctrl-C" : " until " + bounds())
              + "; times are local ("
              + clock.getZone()
              + ")");
      WatchPrinter printer = new WatchPrinter(out, json, clock.getZone());
      Instant deadline = duration == null ? null : clock.instant().plus(duration);
      int seen = 0;
      while (true) {
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
        printer.print(e);
        if (e.event() instanceof WatchEvent.Changed c && c.previous() != null) {
          seen++;
          if (changes != null && seen >= changes) {
            break;
          }
        }
      }
      out.flush();
      return watch.lastError().map(ExitCodes::of).orElse(ExitCodes.OK);
    } finally {
      removeHook(hook);
    }
  }

  private String bounds() {
    if (duration != null && changes != null) {
      return changes + " changes or " + Durations.format(duration) + ", whichever comes first";
    }
    return duration != null ? Durations.format(duration) + " passed" : changes + " changes";
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs
    }
  }
}
