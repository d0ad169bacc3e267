package dev.discovery.cli;

import dev.discovery.api.Discovery;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code discovery resolve TARGET}: one resolution, as a table or JSON. */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description = {
      "Resolve TARGET once: Service kind, source, endpoints, TTL and staleness.",
      "Prints the Service kind, the source (and why that source), the endpoints as a table"
          + " (address, port, hostname, zone, node, ready / serving / terminating), the TTL and the"
          + " staleness; --json for scripts.",
      "The first outcome decides: the first good answer, or the first failure (the SDK would keep"
          + " retrying; use watch to see that)."
    })
final class ResolveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

  @Parameters(paramLabel = "TARGET", description = "What to resolve, such as web.shop:grpc.")
  String target;

  @Option(names = "--json", description = "Print JSON for scripts (errors too, on stdout).")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    Target t = source.target(target);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Discovery discovery = source.open();
        ServiceWatch watch = discovery.watch(t)) {
      FirstAnswer answer = FirstAnswer.await(watch, source.timeout);
      if (answer.error() != null) {
        return fail(out, err, t, answer.error());
      }
      EndpointSet set = answer.set();
      if (json) {
        out.println(Json.pretty(Json.snapshot(t.toString(), set, watch.staleness())));
      } else {
        EndpointText.header(t.toString(), set, watch.staleness()).forEach(out::println);
        if (!set.isEmpty()) {
          out.println();
          EndpointText.table(set.endpoints()).lines("").forEach(out::println);
        }
      }
      if (set.eligible().isEmpty()) {
        err.println(
            "discovery: "
                + t
                + ": no endpoint to call ("
                + (set.isEmpty() ? "the answer lists none" : "none is ready or serving")
                + ")");
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  private int fail(PrintWriter out, PrintWriter err, Target t, ResolutionError error) {
    if (json) {
      out.println(Json.pretty(Json.failure(t.toString(), error)));
    }
    err.println(FirstAnswer.describe(t.toString(), error));
    return ExitCodes.of(error);
  }
}
