package dev.discovery.k8s.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A kubeconfig {@code exec} credential plugin ({@code client.authentication.k8s.io/v1} or {@code
 * v1beta1}): runs {@code command} with {@code args}, {@code env} added to this process's
 * environment and {@code KUBERNETES_EXEC_INFO}, and reads the {@code ExecCredential} it prints:
 * {@code status.token}, or {@code status.clientCertificateData} and {@code clientKeyData}. The
 * result is used until {@code status.expirationTimestamp} (forever when absent, until {@link
 * #refresh()}), then the plugin runs again. Runs on the caller's thread (blocking); thread-safe.
 */
final class ExecPlugin implements CredentialSource {
  static final List<String> API_VERSIONS =
      List.of("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1");

  /** How long a plugin may run: it may have to reach a cloud's token service. */
  private static final long TIMEOUT_SECONDS = 60;

  private static final int MAX_STDERR = 300;

  /**
   * What the kubeconfig says.
   *
   * @param apiVersion one of {@link #API_VERSIONS}
   * @param command the program (a relative path with a separator already resolved against the
   *     kubeconfig's directory)
   * @param args its arguments
   * @param env variables added to this process's environment
   * @param clusterInfo the {@code spec.cluster} to pass when {@code provideClusterInfo}, else
   *     {@code null}
   * @param installHint shown when the command cannot be run, or {@code null}
   * @param where where the plugin is configured, e.g. {@code kubeconfig /x, user "u"}
   */
  record Spec(
      String apiVersion,
      String command,
      List<String> args,
      Map<String, String> env,
      Map<String, Object> clusterInfo,
      String installHint,
      String where) {
    Spec {
      args = List.copyOf(args);
      env = Map.copyOf(env);
    }

    /** The command and where it is configured: never the environment (it may hold secrets). */
    @Override
    public String toString() {
      return "exec " + command + " (" + where + ")";
    }
  }

  /** A plugin's answer. */
  private record Issued(Optional<String> token, Optional<ClientKey> key, Instant expiry) {}

  private final Spec spec;
  private final Clock clock;
  private Issued issued;

  ExecPlugin(Spec spec, Clock clock) {
    this.spec = spec;
    this.clock = clock;
  }

  @Override
  public Optional<String> token() throws ApiConfigException {
    return current().token();
  }

  @Override
  public Optional<ClientKey> clientKey() throws ApiConfigException {
    return current().key();
  }

  private synchronized Issued current() throws ApiConfigException {
    if (issued == null || (issued.expiry() != null && !clock.instant().isBefore(issued.expiry()))) {
      issued = run();
    }
    return issued;
  }

  @Override
  public synchronized void refresh() {
    issued = null;
  }

  private Issued run() throws ApiConfigException {
    List<String> commandLine = new ArrayList<>();
    commandLine.add(spec.command());
    commandLine.addAll(spec.args());
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("discovery-exec", ".out");
      err = Files.createTempFile("discovery-exec", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(commandLine)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(spec.env());
      pb.environment().put("KUBERNETES_EXEC_INFO", execInfo());
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw fail(
            "cannot run: "
                + oneLine(e.getMessage())
                + " (expected: the command installed"
                + (spec.installHint() == null ? "" : "; " + oneLine(spec.installHint()))
                + ")");
      }
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw fail(
            "did not finish within "
                + TIMEOUT_SECONDS
                + " s (expected: an ExecCredential on stdout)");
      }
      if (process.exitValue() != 0) {
        String stderr = oneLine(Files.readString(err, StandardCharsets.UTF_8));
        if (stderr.length() > MAX_STDERR) {
          stderr = stderr.substring(0, MAX_STDERR) + "...";
        }
        throw fail(
            "exited with status " + process.exitValue() + (stderr.isEmpty() ? "" : ": " + stderr));
      }
      return parse(Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw fail("cannot run: " + oneLine(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while running");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private String execInfo() throws IOException {
    Map<String, Object> specField = new LinkedHashMap<>();
    specField.put("interactive", false);
    if (spec.clusterInfo() != null) {
      specField.put("cluster", spec.clusterInfo());
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("apiVersion", spec.apiVersion());
    info.put("kind", "ExecCredential");
    info.put("spec", specField);
    return JSON.std.asString(info);
  }

  /** Reads the ExecCredential; messages never quote the output (it holds the token). */
  private Issued parse(String output) throws ApiConfigException {
    String expected =
        " (expected: an ExecCredential JSON of "
            + spec.apiVersion()
            + " with status.token or status.clientCertificateData and clientKeyData)";
    Map<String, Object> json;
    try {
      json = JSON.std.mapFrom(output);
    } catch (IOException | RuntimeException e) {
      throw fail("printed no JSON" + expected);
    }
    if (json == null) {
      throw fail("printed nothing" + expected);
    }
    if (!spec.apiVersion().equals(json.get("apiVersion"))
        || !"ExecCredential".equals(json.get("kind"))) {
      throw fail(
          "printed apiVersion " + json.get("apiVersion") + ", kind " + json.get("kind") + expected);
    }
    if (!(json.get("status") instanceof Map<?, ?> status)) {
      throw fail("printed no status" + expected);
    }
    Optional<String> token = text(status, "token");
    Optional<String> cert = text(status, "clientCertificateData");
    Optional<String> key = text(status, "clientKeyData");
    if (cert.isPresent() != key.isPresent()) {
      throw fail("printed only one of status.clientCertificateData and clientKeyData" + expected);
    }
    if (token.isEmpty() && cert.isEmpty()) {
      throw fail("printed neither a token nor a client certificate" + expected);
    }
    Optional<ClientKey> clientKey = Optional.empty();
    if (cert.isPresent()) {
      String from = " of " + description();
      clientKey =
          Optional.of(
              ClientKey.read(
                  Material.inline("status.clientCertificateData", cert.get(), from),
                  Material.inline("status.clientKeyData", key.get(), from),
                  Environment.empty()));
    }
    Instant expiry = null;
    Optional<String> expiration = text(status, "expirationTimestamp");
    if (expiration.isPresent()) {
      try {
        expiry = OffsetDateTime.parse(expiration.get()).toInstant();
      } catch (DateTimeParseException e) {
        throw fail(
            "printed status.expirationTimestamp "
                + expiration.get()
                + " (expected: RFC 3339, e.g. 2026-01-01T00:00:00Z)");
      }
    }
    return new Issued(token, clientKey, expiry);
  }

  private static Optional<String> text(Map<?, ?> map, String field) {
    return map.get(field) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }

  private ApiConfigException fail(String what) {
    return new ApiConfigException(description() + ": " + what);
  }

  @Override
  public String kind() {
    return "exec plugin";
  }

  @Override
  public String description() {
    return "exec plugin " + spec.command() + " (" + spec.where() + ")";
  }

  @Override
  public String toString() {
    return description();
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a temp file left behind is harmless
      }
    }
  }
}
