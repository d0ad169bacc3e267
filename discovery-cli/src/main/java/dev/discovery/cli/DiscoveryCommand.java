package dev.discovery.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code discovery}: the top-level command; the work is in its subcommands. */
@Command(
    name = "discovery",
    mixinStandardHelpOptions = true,
    versionProvider = DiscoveryCommand.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Find the pods behind a Kubernetes Service the way the discovery SDK does, and see how calls"
          + " would spread across them.",
      "",
      "TARGET is k8s://[authority]/<service>[.<namespace>[.svc[.<zone>]]][:<port or port name>]"
          + " with scheme k8s (the SDK picks the source), k8s+api (the Kubernetes API: kubeconfig,"
          + " service account or --api-server; ?access=nodePort after the port reaches the pods"
          + " through the nodes), k8s+dns (DNS; authority: a DNS server IP:PORT) or"
          + " static:///IP:PORT,...; a bare web.shop:grpc means k8s:///web.shop:grpc.",
    },
    subcommands = {
      ResolveCommand.class,
      WatchCommand.class,
      PickCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
final class DiscoveryCommand implements Runnable {
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description =
          "Show the SDK's debug log lines on stderr, and stack traces of internal errors.")
  boolean verbose;

  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing COMMAND (expected one of: resolve, watch, pick, demo)");
  }

  /**
   * The command line, printing to {@code out} and {@code err}: exit codes listed in every help,
   * logging set up before a command runs, internal errors as one line (exit code 4).
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    DiscoveryCommand top = new DiscoveryCommand();
    CommandLine cmd = new CommandLine(top);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    applyExitCodeHelp(cmd);
    cmd.setExecutionStrategy(
        parse -> {
          Logging.configure(top.verbose);
          return new CommandLine.RunLast().execute(parse);
        });
    cmd.setExecutionExceptionHandler(
        (e, command, parse) -> {
          PrintWriter w = command.getErr();
          w.println("discovery: internal error: " + e);
          if (top.verbose) {
            e.printStackTrace(w);
          } else {
            w.println("discovery: run with --verbose for the stack trace");
          }
          w.flush();
          return ExitCodes.INTERNAL;
        });
    return cmd;
  }

  private static void applyExitCodeHelp(CommandLine cmd) {
    cmd.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.help());
    cmd.getSubcommands().values().forEach(DiscoveryCommand::applyExitCodeHelp);
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DiscoveryCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "discovery " + (v == null ? "(development build)" : v),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
