package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.k8s.AccessMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class SourceOptionsTest {
  private final SourceOptions.DnsServerConverter dnsServer = new SourceOptions.DnsServerConverter();

  @ParameterizedTest
  @CsvSource({"10.96.0.10,10.96.0.10,53", "127.0.0.1:5353,127.0.0.1,5353", "[::1]:53,::1,53"})
  void dnsServer_acceptsAnIpWithOrWithoutPort(String text, String ip, int port) {
    InetSocketAddress a = dnsServer.convert(text);

    assertThat(a.getAddress().getHostAddress())
        .isEqualTo(ip.equals("::1") ? "0:0:0:0:0:0:0:1" : ip);
    assertThat(a.getPort()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "999.1.1.1:53", "1.2.3", "1.2.3.4.5", "256.0.0.1"})
  void dnsServer_numbersThatAreNoIpv4Address_areSaidToBeNone(String text) {
    String host = text.endsWith(":53") ? text.substring(0, text.length() - 3) : text;

    assertThatThrownBy(() -> dnsServer.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage(
            "\""
                + host
                + "\" is not a valid IPv4 address (expected: four numbers 0..255, as in"
                + " 10.96.0.10)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dns.example", "dns.example:53", "kube-dns"})
  void dnsServer_hostNames_areSaidToBeHostNames(String text) {
    assertThatThrownBy(() -> dnsServer.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage(
            "\"" + text + "\" is a host name (expected: an IP address, as in 10.96.0.10:53)");
  }

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "pods,PODS",
    "nodePort,NODE_PORT",
    "NODEPORT,NODE_PORT",
    "loadBalancer,LOAD_BALANCER"
  })
  void access_acceptsEachModeInAnyLetterCase(String text, AccessMode mode) {
    assertThat(new SourceOptions.AccessModeConverter().convert(text)).isEqualTo(mode);
  }

  @Test
  void access_unknownMode_namesTheAcceptedOnes() {
    assertThatThrownBy(() -> new SourceOptions.AccessModeConverter().convert("ingress"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("\"ingress\" (expected: pods, nodePort or loadBalancer)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://127.0.0.1:6443", "https://kube.example", "http://127.0.0.1:8001"})
  void apiServer_acceptsAnHttpOrHttpsUrl(String text) {
    assertThat(new SourceOptions.ApiServerConverter().convert(text)).isEqualTo(URI.create(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:6443", "ftp://127.0.0.1", "https://", "https://h/?x=1", "a b"})
  void apiServer_otherText_isRefusedWithTheExpectedShape(String text) {
    assertThatThrownBy(() -> new SourceOptions.ApiServerConverter().convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageStartingWith("\"" + text + "\"")
        .hasMessageEndingWith(" (expected: https://<host>[:<port>], as in https://127.0.0.1:6443)");
  }

  @Test
  void file_missingOrADirectory_isSaidSo() throws IOException {
    SourceOptions.ReadableFileConverter file = new SourceOptions.ReadableFileConverter();
    Path present = Files.writeString(dir.resolve("token"), "x");

    assertThat(file.convert(present.toString())).isEqualTo(present);
    assertThatThrownBy(() -> file.convert(dir.resolve("nope").toString()))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("\"" + dir.resolve("nope") + "\": no such file (expected: a readable file)");
    assertThatThrownBy(() -> file.convert(dir.toString()))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("\"" + dir + "\" is not a file (expected: a readable file)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"resolve", "watch", "pick"})
  void everyResolvingCommand_takesTheApiOptions_andReportsABadOneOnOneLine(String command) {
    Run r =
        run(command, "k8s+api:///web.shop:http", "--token-file", dir.resolve("gone").toString());

    assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err.get(0))
        .isEqualTo(
            "Invalid value for option '--token-file': \""
                + dir.resolve("gone")
                + "\": no such file (expected: a readable file)");
    assertThat(r.err).anyMatch(l -> l.contains("--kubeconfig=FILE"));
  }

  @Test
  void apiServerAndKubeconfig_together_isAUsageError() throws IOException {
    Path config = Files.writeString(dir.resolve("config"), "apiVersion: v1\nkind: Config\n");

    Run r =
        run(
            "resolve",
            "k8s+api:///web.shop:http",
            "--api-server",
            "https://127.0.0.1:6443",
            "--kubeconfig",
            config.toString());

    assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err.get(0))
        .isEqualTo(
            "--api-server and --kubeconfig: both given (expected: one of them; --api-server takes"
                + " --ca-file and --token-file)");
  }

  @Test
  void badAccessMode_isAUsageError_namingTheModes() {
    Run r = run("pick", "k8s+api:///front.shop:http", "--access", "nodeport2");

    assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err.get(0))
        .isEqualTo(
            "Invalid value for option '--access': \"nodeport2\" (expected: pods, nodePort or"
                + " loadBalancer)");
  }

  /** What a command run in this JVM printed and returned. */
  private record Run(int exit, List<String> out, List<String> err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        DiscoveryCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, lines(out), lines(err));
  }

  private static List<String> lines(StringWriter w) {
    return new ArrayList<>(w.toString().lines().toList());
  }
}
