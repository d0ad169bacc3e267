package dev.discovery.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code dig} against a loopback server and parses what it prints. */
final class Dig {
  private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");
  private static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]*);");

  /** What dig showed: rcode, flags, and answer and authority records as "type rdata". */
  record Result(
      String rcode, List<String> flags, List<String[]> answer, List<String[]> authority) {}

  private Dig() {}

  static Path executable() {
    return Executables.find("dig", List.of("/usr/bin", "/usr/local/bin"))
        .orElseThrow(
            () ->
                new AssertionError(
                    "dig: not found in /usr/bin, /usr/local/bin or PATH (expected: Debian's"
                        + " bind9-dnsutils: apt-get install -y --no-install-recommends bind9"
                        + " bind9-dnsutils; README's ./run-tests installs it)"));
  }

  static Result query(InetSocketAddress server, String name, String type, DnsClient.Mode mode)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable().toString());
    cmd.add("@" + server.getAddress().getHostAddress());
    cmd.add("-p");
    cmd.add(Integer.toString(server.getPort()));
    cmd.addAll(List.of("+tries=1", "+time=5", "+noall", "+comments", "+answer", "+authority"));
    switch (mode) {
      case UDP -> cmd.addAll(List.of("+notcp", "+noedns", "+ignore"));
      case UDP_EDNS -> cmd.addAll(List.of("+notcp", "+edns=0", "+bufsize=1232", "+ignore"));
      case TCP -> cmd.add("+tcp");
      case AUTO -> cmd.add("+bufsize=1232");
    }
    cmd.add(name);
    cmd.add(type);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("dig did not finish: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Matcher status = STATUS.matcher(out);
    Matcher flags = FLAGS.matcher(out);
    if (!status.find() || !flags.find()) {
      throw new IOException("dig printed no answer header (exit " + p.exitValue() + "):\n" + out);
    }
    List<String[]> answer = new ArrayList<>();
    List<String[]> authority = new ArrayList<>();
    List<String[]> section = null;
    for (String line : out.split("\n")) {
      if (line.startsWith(";; ANSWER SECTION")) {
        section = answer;
      } else if (line.startsWith(";; AUTHORITY SECTION")) {
        section = authority;
      } else if (line.startsWith(";") || line.isBlank()) {
        if (line.isBlank()) {
          section = null;
        }
      } else if (section != null) {
        String[] f = line.trim().split("\\s+", 5);
        // owner, ttl, class, type, rdata
        section.add(new String[] {f[0], f[3].toLowerCase(Locale.ROOT), f.length > 4 ? f[4] : ""});
      }
    }
    return new Result(
        status.group(1), List.of(flags.group(1).trim().split(" ")), answer, authority);
  }
}
