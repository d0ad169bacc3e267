package dev.discovery.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/** The {@code discovery} command's entry point: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code args} with the process's stdout and stderr; returns the exit code. */
  static int run(String... args) {
    Charset charset = Terminal.charset();
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset), true);
    PrintWriter err =
        new PrintWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charset), true);
    try {
      return DiscoveryCommand.commandLine(out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
