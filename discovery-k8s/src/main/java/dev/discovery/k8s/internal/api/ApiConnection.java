package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import dev.discovery.k8s.internal.ClusterDefaults;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * What the HTTP layer needs to talk to one Kubernetes API server: its URL, the TLS context (server
 * always verified, hostname included, unless skipping was explicitly allowed), the credentials, the
 * default namespace, and where all of it came from. Immutable (the credentials renew themselves);
 * {@link #toString()} never shows a token or key.
 *
 * <p>Made by {@link #builder()}: explicitly, from a kubeconfig, or from a pod's service account.
 */
public final class ApiConnection {
  private final URI server;
  private final SSLContext sslContext;
  private final Credentials credentials;
  private final String namespace;
  private final String origin;
  private final String trustSource;
  private final boolean insecure;

  private ApiConnection(
      URI server,
      SSLContext sslContext,
      Credentials credentials,
      String namespace,
      String origin,
      String trustSource,
      boolean insecure) {
    this.server = server;
    this.sslContext = sslContext;
    this.credentials = credentials;
    this.namespace = namespace;
    this.origin = origin;
    this.trustSource = trustSource;
    this.insecure = insecure;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The API server, e.g. {@code https://127.0.0.1:6443}, without a trailing path. */
  public URI server() {
    return server;
  }

  /** The TLS context for an {@code https} server; empty for {@code http}. */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  public Credentials credentials() {
    return credentials;
  }

  /** The namespace of targets that name none: the context's or the pod's, else {@code default}. */
  public String namespace() {
    return namespace;
  }

  /**
   * Where the connection comes from, without secrets: {@code kubeconfig /home/u/.kube/config,
   * context kind-kind, user kind-kind (client certificate)}.
   */
  public String origin() {
    return origin;
  }

  /** Which credential is sent and from where, never its value: for 401 messages. */
  public String credentialDescription() {
    return credentials.description();
  }

  /**
   * What the server's certificate is verified against, for TLS failure messages: {@code
   * certificate-authority /x/ca.crt (kubeconfig /x/config, cluster "kind")}; also in the trust
   * failure's own message.
   */
  public String trustSource() {
    return trustSource;
  }

  /**
   * Whether TLS verification is skipped (explicitly allowed): the HTTP layer logs {@link
   * #insecureWarning()} at WARN at the first connect, then at most once a minute.
   */
  public boolean insecure() {
    return insecure;
  }

  /** The warning to log at connects of an {@link #insecure()} connection. */
  public String insecureWarning() {
    return "TLS verification is off for "
        + server
        + " ("
        + origin
        + "): anyone on the path can read and change the traffic";
  }

  @Override
  public String toString() {
    return "ApiConnection[" + server + ", " + origin + (insecure ? ", TLS NOT VERIFIED" : "") + "]";
  }

  /**
   * How to connect. With {@link #server(URI)} everything comes from the builder; otherwise from a
   * kubeconfig (the files set here, else {@code KUBECONFIG}), else from the pod's service account
   * (when {@code KUBERNETES_SERVICE_HOST} is set and no context is named), else from {@code
   * ~/.kube/config}. Credentials, CA and namespace set here replace the loaded ones. Not
   * thread-safe; {@link #load()} and {@link #build()} read files and may run a credential plugin
   * later: call them off any event loop.
   */
  public static final class Builder {
    private static final String SET_HERE = " (set on the builder)";

    private Environment environment = Environment.system();
    private Clock clock = Clock.systemUTC();
    private Path serviceAccountDir = ClusterDefaults.SERVICE_ACCOUNT_DIR;
    private List<Path> kubeconfig;
    private String context;
    private URI server;
    private Material ca;
    private Material token;
    private Material tokenFile;
    private Material clientCertificate;
    private Material clientKey;
    private String namespace;
    private boolean insecureSkipTlsVerify;
    private boolean allowInsecure;

    private Builder() {}

    /** Where variables and files are read (default: the host's). */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The clock of token-file re-reads and plugin expiry (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where a pod's service-account token, CA and namespace are (default: Kubernetes'). */
    public Builder serviceAccountDir(Path dir) {
      this.serviceAccountDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The kubeconfig files, merged as kubectl merges {@code KUBECONFIG} (default: from it). */
    public Builder kubeconfig(Path... files) {
      this.kubeconfig = List.of(files);
      return this;
    }

    /** The kubeconfig context to use (default: its current-context). */
    public Builder context(String context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /** The API server: everything else then comes from this builder. */
    public Builder server(URI server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** The CA file to verify the server with. */
    public Builder caFile(Path file) {
      this.ca = Material.file("CA file", Objects.requireNonNull(file, "file"), SET_HERE);
      return this;
    }

    /** The CA to verify the server with, as PEM. */
    public Builder caPem(String pem) {
      this.ca = Material.inline("CA PEM", Objects.requireNonNull(pem, "pem"), SET_HERE);
      return this;
    }

    /** A bearer token. */
    public Builder token(String token) {
      this.token = Material.inline("token", Objects.requireNonNull(token, "token"), SET_HERE);
      return this;
    }

    /** A file holding the bearer token, read again every minute. */
    public Builder tokenFile(Path file) {
      this.tokenFile = Material.file("token file", Objects.requireNonNull(file, "file"), SET_HERE);
      return this;
    }

    /** A client certificate and its key (PKCS#8, PKCS#1 or SEC1), as PEM files. */
    public Builder clientCertificate(Path certificate, Path key) {
      this.clientCertificate =
          Material.file(
              "client certificate", Objects.requireNonNull(certificate, "certificate"), SET_HERE);
      this.clientKey = Material.file("client key", Objects.requireNonNull(key, "key"), SET_HERE);
      return this;
    }

    /** A client certificate and its key (PKCS#8, PKCS#1 or SEC1), as PEM text. */
    public Builder clientCertificatePem(String certificate, String key) {
      this.clientCertificate =
          Material.inline(
              "client certificate PEM",
              Objects.requireNonNull(certificate, "certificate"),
              SET_HERE);
      this.clientKey =
          Material.inline("client key PEM", Objects.requireNonNull(key, "key"), SET_HERE);
      return this;
    }

    /** The namespace of targets that name none. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** Skip TLS verification of an explicit server; refused unless {@link #allowInsecure}. */
    public Builder insecureSkipTlsVerify(boolean skip) {
      this.insecureSkipTlsVerify = skip;
      return this;
    }

    /**
     * Accept {@code insecure-skip-tls-verify: true} (in a kubeconfig or here): the server is then
     * not verified and every connect logs a warning. Off by default: such a kubeconfig is refused.
     */
    public Builder allowInsecure(boolean allow) {
      this.allowInsecure = allow;
      return this;
    }

    /** The connection, or an IllegalArgumentException whose message says what is wrong. */
    public ApiConnection build() {
      try {
        return load();
      } catch (ApiConfigException e) {
        throw e.toIllegalArgument();
      }
    }

    /** The connection, or the one-line reason it cannot be made (for a resolver's error). */
    public ApiConnection load() throws ApiConfigException {
      return connect(overlay(source()));
    }

    private Settings source() throws ApiConfigException {
      if (server != null) {
        return new Settings(
            server.toString(),
            "server" + SET_HERE,
            null,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            Settings.DEFAULT_NAMESPACE,
            "server " + server + SET_HERE);
      }
      if (kubeconfig != null) {
        return Kubeconfig.read(environment, kubeconfig, false).settings(context);
      }
      Optional<String> variable = environment.variable("KUBECONFIG").filter(s -> !s.isBlank());
      if (variable.isPresent()) {
        List<Path> files =
            Arrays.stream(variable.get().split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .collect(Collectors.toList());
        return Kubeconfig.read(environment, files, true).settings(context);
      }
      if (context == null && InCluster.detected(environment)) {
        return InCluster.load(environment, serviceAccountDir);
      }
      Optional<Path> home =
          environment.variable("HOME").or(() -> environment.variable("USERPROFILE")).map(Path::of);
      if (home.isPresent()) {
        Path file = home.get().resolve(".kube").resolve("config");
        if (environment.file(file).isPresent()) {
          return Kubeconfig.read(environment, List.of(file), false).settings(context);
        }
      }
      throw new ApiConfigException(
          "no Kubernetes API server: not in a pod ("
              + InCluster.HOST
              + " unset), KUBECONFIG unset and "
              + home.map(h -> h.resolve(".kube").resolve("config").toString())
                  .orElse("~/.kube/config (HOME unset)")
              + " absent (expected: one of them, or a server set explicitly)");
    }

    private Settings overlay(Settings s) {
      boolean credentials = token != null || tokenFile != null || clientCertificate != null;
      return new Settings(
          s.server(),
          s.serverSource(),
          ca != null ? ca : s.ca(),
          server != null ? insecureSkipTlsVerify : s.insecure() || insecureSkipTlsVerify,
          server != null || s.insecureSource() == null
              ? "insecureSkipTlsVerify" + SET_HERE
              : s.insecureSource(),
          credentials ? token : s.token(),
          credentials ? tokenFile : s.tokenFile(),
          credentials ? clientCertificate : s.clientCertificate(),
          credentials ? clientKey : s.clientKey(),
          credentials ? null : s.exec(),
          namespace != null ? namespace : s.namespace(),
          s.origin());
    }

    private ApiConnection connect(Settings s) throws ApiConfigException {
      URI uri = serverUri(s);
      boolean https = uri.getScheme().equals("https");
      if (!https && s.hasCredential()) {
        // Loopback included: kubectl proxy needs no credentials, and a port on 127.0.0.1 may be
        // a tunnel or any local process.
        throw new ApiConfigException(
            s.serverSource()
                + ": "
                + uri
                + " is plain HTTP and "
                + plainHttpCredential(s)
                + " (expected: an https:// server, or no credentials, as for kubectl proxy)");
      }
      if (s.insecure() && !allowInsecure) {
        throw new ApiConfigException(
            s.insecureSource()
                + ": true is refused (expected: a certificate-authority to verify the server with; or allow insecure connections explicitly)");
      }
      List<CredentialSource> sources = new ArrayList<>();
      if (s.tokenFile() != null) {
        TokenFile file = new TokenFile(s.tokenFile(), environment, clock);
        file.token(); // fails now if it cannot be read
        sources.add(file);
      } else if (s.token() != null) {
        sources.add(
            new CredentialSource.StaticToken(s.token().read(environment).strip(), s.token()));
      }
      if (s.clientCertificate() != null) {
        sources.add(
            new CredentialSource.StaticClientKey(
                ClientKey.read(s.clientCertificate(), s.clientKey(), environment),
                s.clientCertificate()));
      }
      if (s.exec() != null) {
        sources.add(new ExecPlugin(s.exec(), clock));
      }
      Credentials credentials = new Credentials(sources);
      boolean insecure = https && s.insecure();
      String trustSource =
          insecure
              ? "nothing (TLS verification skipped)"
              : s.ca() == null ? "the JDK's default trust store" : s.ca().description();
      SSLContext ssl = null;
      if (https) {
        ssl =
            Tls.context(
                s.ca() == null || insecure
                    ? null
                    : Pem.certificates(s.ca().read(environment), s.ca().description()),
                trustSource,
                insecure,
                credentials);
      }
      return new ApiConnection(
          uri,
          ssl,
          credentials,
          s.namespace(),
          s.origin() + " (" + credentials.kind() + ")",
          trustSource,
          insecure);
    }

    private static URI serverUri(Settings s) throws ApiConfigException {
      String expected = " (expected: https://<host>[:<port>], e.g. https://127.0.0.1:6443)";
      URI uri;
      try {
        uri = new URI(s.server());
      } catch (URISyntaxException e) {
        throw new ApiConfigException(
            s.serverSource() + ": " + s.server() + " is not a URL" + expected);
      }
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new ApiConfigException(s.serverSource() + ": " + s.server() + expected);
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
    }

    /** What the credential {@code s} configures would come to over plain HTTP. */
    private static String plainHttpCredential(Settings s) {
      if (s.token() != null || s.tokenFile() != null) {
        return "a bearer token is configured: the token would travel unencrypted";
      }
      if (s.exec() != null) {
        return "a credential plugin (exec) is configured: its token would travel unencrypted";
      }
      return "a client certificate is configured: plain HTTP cannot present it";
    }
  }
}
