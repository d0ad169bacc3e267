package dev.discovery.cli;

import dev.discovery.api.Discovery;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.api.WatchEvent;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code discovery watch TARGET}: a live diff of the endpoint list until interrupted. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Watch TARGET: a live, time-stamped diff of its endpoints until Ctrl-C.",
      "Prints each change of the endpoint list as it happens (+ added, - removed, ~ changed, with"
          + " time stamps), and each failure and recovery of the source. Runs until Ctrl-C (exit"
          + " code 130), or until --changes or --duration is reached (exit code 0, or the last"
          + " error's code if the source is failing then)."
    })
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

  @Mixin Bounds bounds;

  @Parameters(paramLabel = "TARGET", description = "What to watch, such as web.shop:grpc.")
  String target;

  @Option(names = "--json", description = "One JSON object per event and line, for scripts.")
  boolean json;

  @Option(
      names = "--status",
      description =
          "After each event, print the watch's status as Discovery.status() reports it: source,"
              + " endpoint counts, staleness, last error, revision.")
  boolean status;

  @Override
  public Integer call() throws InterruptedException {
    Target t = source.target(target);
    bounds.check();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.systemDefaultZone();
    Discovery discovery = source.open();
    Thread hook = new Thread(discovery::close, "discovery-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (discovery;
        ServiceWatch watch = discovery.watch(t)) {
      EventStream events = new EventStream(clock, bounds.duration);
      watch.subscribe(events);
      err.println(
          "discovery: watching "
              + t
              + " until "
              + (bounds.none() ? "Ctrl-C" : bounds.describe())
              + "; times are local ("
              + clock.getZone()
              + ")");
      WatchPrinter printer = new WatchPrinter(out, json, clock.getZone());
      int seen = 0;
      EventStream.Timed e;
      while ((e = events.next()) != null) {
        printer.print(e);
        if (status) {
          printer.status(discovery.status(), e.at());
        }
        if (e.event() instanceof WatchEvent.Changed c && c.previous() != null) {
          seen++;
          if (bounds.reached(seen)) {
            break;
          }
        }
      }
      out.flush();
      return watch.lastError().map(ExitCodes::of).orElse(ExitCodes.OK);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs
      }
    }
  }
}
