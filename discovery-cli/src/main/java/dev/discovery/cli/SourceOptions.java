package dev.discovery.cli;

import dev.discovery.api.Discovery;
import dev.discovery.api.Target;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.k8s.internal.KubernetesTargetParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every command that resolves shares: where to ask (DNS server), the default namespace
 * and zone, and how long to wait. Also turns the target argument into a {@link Target}.
 */
final class SourceOptions {
  /** The scheme a bare target such as {@code web.shop:grpc} gets. */
  static final String DEFAULT_PREFIX = "k8s:///";

  /** The longest wait for one DNS answer (the SDK's default), whatever {@code --timeout} says. */
  static final Duration MAX_QUERY_TIMEOUT = Duration.ofSeconds(2);

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--dns-server",
      paramLabel = "IP[:PORT]",
      converter = DnsServerConverter.class,
      description =
          "The DNS server to ask (default: resolv.conf's nameservers; port 53 unless given)."
              + " A server in a k8s+dns://IP:PORT/... target wins.")
  InetSocketAddress dnsServer;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description =
          "The namespace for targets that name none (default: the pod's own, else resolv.conf's"
              + " first search domain, else default).")
  String namespace;

  @Option(
      names = "--cluster-domain",
      paramLabel = "ZONE",
      description =
          "The cluster's DNS zone (default: from resolv.conf's search list, else cluster.local).")
  String clusterDomain;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "How long resolve and pick wait for the first answer, such as 500ms, 5s or 1m"
              + " (default: ${DEFAULT-VALUE}); one DNS query waits at most 2 s of it.")
  Duration timeout;

  /**
   * {@code text} as a target; a bare {@code web.shop:grpc} (no {@code ://}) means {@code
   * k8s:///web.shop:grpc}.
   *
   * @throws ParameterException naming what is wrong with it (exit code 2)
   */
  Target target(String text) {
    return parseTarget(spec, text);
  }

  static Target parseTarget(CommandSpec spec, String text) {
    String full = text.contains("://") ? text : DEFAULT_PREFIX + text;
    try {
      return Target.parse(full);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid TARGET: " + e.getMessage());
    }
  }

  /**
   * A {@link Discovery} asking the configured server with these settings.
   *
   * @throws ParameterException if an option is invalid (exit code 2)
   */
  Discovery open() {
    Duration query = timeout.compareTo(MAX_QUERY_TIMEOUT) < 0 ? timeout : MAX_QUERY_TIMEOUT;
    DnsResolverProvider.Builder dns = DnsResolverProvider.builder().queryTimeout(query);
    if (dnsServer != null) {
      dns.server(dnsServer);
    }
    try {
      if (namespace != null) {
        dns.namespace(namespace);
      }
      if (clusterDomain != null) {
        dns.clusterDomain(clusterDomain);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid option: " + e.getMessage());
    }
    return Discovery.builder().provider(dns.build()).build();
  }

  /** Converts {@code 5s}, {@code 500ms}, {@code PT5S} for picocli. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (d.isNegative() || d.isZero()) {
        throw new TypeConversionException("\"" + value + "\" (expected: a duration above 0)");
      }
      return d;
    }
  }

  /** Converts {@code 10.96.0.10}, {@code 127.0.0.1:5353}, {@code [::1]:53} for picocli. */
  static final class DnsServerConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      InetSocketAddress a;
      try {
        a = KubernetesTargetParser.parseHostPort(value, "DNS server");
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (a.isUnresolved()) {
        String host = a.getHostString();
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
          // All digits and dots: meant as IPv4 (no top-level domain is all digits).
          throw new TypeConversionException(
              "\""
                  + host
                  + "\" is not a valid IPv4 address (expected: four numbers 0..255, as in"
                  + " 10.96.0.10)");
        }
        throw new TypeConversionException(
            "\"" + value + "\" is a host name (expected: an IP address, as in 10.96.0.10:53)");
      }
      return a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), 53) : a;
    }
  }
}
