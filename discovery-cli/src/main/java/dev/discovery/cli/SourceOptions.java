package dev.discovery.cli;

import dev.discovery.api.Discovery;
import dev.discovery.api.Target;
import dev.discovery.k8s.AccessMode;
import dev.discovery.k8s.ApiResolverProvider;
import dev.discovery.k8s.DnsResolverProvider;
import dev.discovery.k8s.internal.KubernetesTargetParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every command that resolves shares: where to ask (a DNS server; a Kubernetes API
 * server through a kubeconfig or explicitly), the default namespace and zone, and how long to wait.
 * Also turns the target argument into a {@link Target}. Never reads a token itself: the API source
 * does, and keeps it out of every message.
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
      names = "--kubeconfig",
      paramLabel = "FILE",
      converter = ReadableFileConverter.class,
      description =
          "The kubeconfig of the API source (k8s+api, and k8s): its server, CA, credentials and"
              + " namespace (default: KUBECONFIG, else ~/.kube/config, else the pod's service"
              + " account). Repeat to merge several, as KUBECONFIG does.")
  List<Path> kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current-context).")
  String context;

  @Option(
      names = "--api-server",
      paramLabel = "URL",
      converter = ApiServerConverter.class,
      description =
          "The Kubernetes API server, such as https://127.0.0.1:6443, instead of a kubeconfig; with"
              + " --ca-file and --token-file.")
  URI apiServer;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      converter = ReadableFileConverter.class,
      description =
          "A file holding the bearer token for the API server (re-read as it rotates); replaces"
              + " the kubeconfig's credentials. The token is never printed.")
  Path tokenFile;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      converter = ReadableFileConverter.class,
      description =
          "The PEM certificate authority to verify the API server with (default: the"
              + " kubeconfig's, else the JDK's trust store).")
  Path caFile;

  @Option(
      names = "--access",
      paramLabel = "MODE",
      converter = AccessModeConverter.class,
      description =
          "How the API source reaches the pods: pods (their own addresses, the default), nodePort"
              + " (each ready node's address and the node port) or loadBalancer (each ingress"
              + " address); ?access= in the target wins.")
  AccessMode access;

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
    Discovery.Builder discovery = Discovery.builder().provider(dns.build());
    List<String> given = apiOptionsGiven();
    if (!given.isEmpty() || namespace != null) {
      ApiResolverProvider api = api();
      discovery.provider(api);
      if (!given.isEmpty()) {
        discovery.provider(new ChosenApiProvider(api, String.join(", ", given) + " given"));
      }
    }
    return discovery.build();
  }

  /**
   * The options of the API source given, in the order of {@code --help}; none: the installed source
   * reads the host's kubeconfig or service account, and {@code k8s} chooses as the SDK does.
   */
  List<String> apiOptionsGiven() {
    List<String> given = new ArrayList<>();
    if (kubeconfig != null) {
      given.add("--kubeconfig");
    }
    if (context != null) {
      given.add("--context");
    }
    if (apiServer != null) {
      given.add("--api-server");
    }
    if (tokenFile != null) {
      given.add("--token-file");
    }
    if (caFile != null) {
      given.add("--ca-file");
    }
    if (access != null) {
      given.add("--access");
    }
    return given;
  }

  /**
   * The API source as the options say.
   *
   * @throws ParameterException if they contradict each other or the connection cannot be made as
   *     configured (exit code 2)
   */
  ApiResolverProvider api() {
    if (apiServer != null && (kubeconfig != null || context != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--api-server and "
              + (kubeconfig != null ? "--kubeconfig" : "--context")
              + ": both given (expected: one of them; --api-server takes --ca-file and"
              + " --token-file)");
    }
    ApiResolverProvider.Builder api = ApiResolverProvider.builder();
    try {
      if (kubeconfig != null) {
        api.kubeconfig(kubeconfig.toArray(Path[]::new));
      }
      if (context != null) {
        api.context(context);
      }
      if (apiServer != null) {
        api.server(apiServer);
      }
      if (caFile != null) {
        api.caFile(caFile);
      }
      if (tokenFile != null) {
        api.tokenFile(tokenFile);
      }
      if (access != null) {
        api.accessMode(access);
      }
      if (namespace != null) {
        api.namespace(namespace);
      }
      return api.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid option: " + e.getMessage());
    }
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

  /** A file that exists and can be read: a kubeconfig, a token, a CA. */
  static final class ReadableFileConverter implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path p;
      try {
        p = Path.of(value);
      } catch (RuntimeException e) {
        throw new TypeConversionException("\"" + value + "\" (expected: a file name)");
      }
      if (!Files.exists(p)) {
        throw new TypeConversionException(
            "\"" + value + "\": no such file (expected: a readable file)");
      }
      if (!Files.isRegularFile(p)) {
        throw new TypeConversionException(
            "\"" + value + "\" is not a file (expected: a readable file)");
      }
      if (!Files.isReadable(p)) {
        throw new TypeConversionException(
            "\"" + value + "\" cannot be read (expected: a readable file; check its permissions)");
      }
      return p;
    }
  }

  /** Converts {@code https://127.0.0.1:6443} for picocli. */
  static final class ApiServerConverter implements ITypeConverter<URI> {
    private static final String EXPECTED =
        " (expected: https://<host>[:<port>], as in https://127.0.0.1:6443)";

    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        throw new TypeConversionException("\"" + value + "\" is not a URL" + EXPECTED);
      }
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new TypeConversionException("\"" + value + "\"" + EXPECTED);
      }
      return uri;
    }
  }

  /** Converts {@code pods}, {@code nodePort}, {@code loadBalancer} (any letter case). */
  static final class AccessModeConverter implements ITypeConverter<AccessMode> {
    @Override
    public AccessMode convert(String value) {
      try {
        return AccessMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "\"" + value + "\" (expected: pods, nodePort or loadBalancer)");
      }
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
