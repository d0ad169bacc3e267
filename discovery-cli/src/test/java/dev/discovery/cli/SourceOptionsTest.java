package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
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
}
