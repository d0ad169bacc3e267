package dev.discovery.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code discovery demo}: the SDK on an embedded cluster, no Kubernetes needed. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Play the SDK's story on an embedded cluster: no Kubernetes needed, done in seconds.",
      "Starts a Kubernetes cluster in this process (the testkit's FakeCluster: namespace shop with a"
          + " headless web of 3 pods, a ClusterIP api, a NodePort front and an ExternalName db)"
          + " and a real DNS server on loopback serving it (FakeDnsServer), watches web through the"
          + " SDK, and plays a story: scale up, a pod turns unready, a pod terminates, the DNS"
          + " server goes down (the last good list is kept; retries back off) and comes back.",
      "Then a fake Kubernetes API server on the same cluster (FakeApiServer, TLS): one scale-up"
          + " seen through the API source (k8s+api, in milliseconds) and through DNS (at its TTL),"
          + " side by side with the measured delays, and the NodePort front seen from outside the"
          + " cluster as node addresses (?access=nodePort).",
      "Each step waits for the watch to see the change, then prints the live endpoint list and"
          + " the random and sticky pick distributions (and the keys sticky moved). Takes a few"
          + " seconds; --slow or --step-delay pauses after each step for a live audience."
    })
final class DemoCommand implements Callable<Integer> {
  static final Duration SLOW = Duration.ofSeconds(4);

  @Spec CommandSpec spec;

  @ParentCommand DiscoveryCommand parent;

  @Option(
      names = "--step-delay",
      paramLabel = "DURATION",
      converter = SourceOptions.DurationConverter.class,
      description = "Pause this long after each step, for a live audience (default: no pause).")
  Duration stepDelay;

  @Option(names = "--slow", description = "Pause 4 s after each step (as --step-delay 4s).")
  boolean slow;

  @Mixin PickOptions picks;

  @Override
  public Integer call() throws InterruptedException {
    if (slow && stepDelay != null) {
      throw new ParameterException(
          spec.commandLine(), "--slow and --step-delay: both given (expected: one of them)");
    }
    picks.check();
    Duration pause = slow ? SLOW : stepDelay == null ? Duration.ZERO : stepDelay;
    // The demo says itself what the SDK would warn about (a ClusterIP target); keep stderr quiet.
    Logging.level("dev.discovery.k8s.internal.DnsResolver", "error", parent.verbose);
    PrintWriter out = spec.commandLine().getOut();
    try {
      new Demo(
              out,
              new Demo.Settings(
                  pause, picks.keys, picks.calls, picks.seed, picks.width, Terminal.barGlyph()))
          .run();
      return ExitCodes.OK;
    } catch (Signal.NotMet e) {
      out.flush();
      spec.commandLine().getErr().println("discovery: demo: " + e.getMessage());
      return ExitCodes.INTERNAL;
    }
  }
}
