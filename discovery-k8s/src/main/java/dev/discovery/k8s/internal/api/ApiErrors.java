package dev.discovery.k8s.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.ResolutionError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns what the API server answered (an HTTP status with a {@code Status} body, an ERROR event's
 * Status) and what the network did (refused, unreachable, TLS) into {@link ApiFailure}s whose
 * message names the fix. Messages are one line, never carry a stack trace, and never a credential.
 */
final class ApiErrors {
  private ApiErrors() {}

  /** The parts of a Kubernetes {@code Status} object we use. */
  record Status(int code, String reason, String message, Optional<Duration> retryAfter) {

    /** Reads a Status object (an ERROR event's object, an error body), if it is one. */
    static Optional<Status> from(Object object) {
      if (!(object instanceof Map<?, ?> map) || !"Status".equals(map.get("kind"))) {
        return Optional.empty();
      }
      int code = map.get("code") instanceof Number n ? n.intValue() : 0;
      String reason = map.get("reason") instanceof String s ? s : "";
      String message = map.get("message") instanceof String s ? oneLine(s) : "";
      Optional<Duration> retryAfter = Optional.empty();
      if (map.get("details") instanceof Map<?, ?> details
          && details.get("retryAfterSeconds") instanceof Number seconds
          && seconds.longValue() > 0) {
        retryAfter = Optional.of(Duration.ofSeconds(seconds.longValue()));
      }
      return Optional.of(new Status(code, reason, message, retryAfter));
    }

    /** Reads an error body, if it is a JSON Status. */
    static Optional<Status> parse(byte[] body) {
      try {
        return from(JSON.std.mapFrom(body));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** An HTTP answer other than 200. */
  static ApiFailure forStatus(
      ApiServerAccess access,
      ApiRequest request,
      int httpStatus,
      Optional<String> retryAfterHeader,
      byte[] body) {
    Optional<Status> status = Status.parse(body);
    Optional<Duration> retryAfter = parseRetryAfter(retryAfterHeader);
    if (retryAfter.isEmpty()) {
      retryAfter = status.flatMap(Status::retryAfter);
    }
    String reason = status.map(Status::reason).filter(r -> !r.isEmpty()).orElse("");
    String serverMessage = status.map(Status::message).filter(m -> !m.isEmpty()).orElse("");
    if (serverMessage.isEmpty() && status.isEmpty()) {
      serverMessage = oneLine(new String(body, StandardCharsets.UTF_8));
    }
    return failure(access, request, httpStatus, reason, serverMessage, retryAfter);
  }

  /** An ERROR event inside a watch stream. */
  static ApiFailure forErrorEvent(ApiServerAccess access, ApiRequest request, Object object) {
    Optional<Status> status = Status.from(object);
    if (status.isEmpty()) {
      return ApiFailure.of(
          ResolutionError.invalidAnswer(
              "the Kubernetes API at "
                  + access.server()
                  + " sent an ERROR event without a Status object on "
                  + request.describe()
                  + " (expected: {\"kind\":\"Status\",\"code\":...})"));
    }
    Status s = status.get();
    return failure(access, request, s.code(), s.reason(), s.message(), s.retryAfter());
  }

  private static ApiFailure failure(
      ApiServerAccess access,
      ApiRequest request,
      int code,
      String reason,
      String serverMessage,
      Optional<Duration> retryAfter) {
    URI server = access.server();
    String answered = code + (reason.isEmpty() ? "" : " " + reason);
    String said = serverMessage.isEmpty() ? "" : ": " + serverMessage;
    ResolutionError error;
    switch (code) {
      case 401 ->
          error =
              ResolutionError.permissionDenied(
                  "the Kubernetes API at "
                      + server
                      + " did not accept the credential ("
                      + answered
                      + " on "
                      + request.describe()
                      + "): sent "
                      + access.credentialDescription()
                      + ", from "
                      + access.originDescription()
                      + " (expected: a valid, unexpired credential; renew it or choose another user)");
      case 403 ->
          error =
              ResolutionError.permissionDenied(
                  RbacHint.forbidden(
                              request.verb(),
                              request.resource(),
                              request.group(),
                              request.namespace(),
                              userIn(serverMessage))
                          .summary()
                      + "; "
                      + server
                      + " answered "
                      + answered
                      + " to "
                      + access.credentialDescription()
                      + "; the rule as YAML: "
                      + rule(request));
      case 404 ->
          error =
              ResolutionError.notFound(
                  "the Kubernetes API at "
                      + server
                      + " has no "
                      + request.qualifiedResource()
                      + " "
                      + request.scope()
                      + " ("
                      + answered
                      + said
                      + ") (expected: the namespace to exist and the server to serve "
                      + (request.group().isEmpty() ? "" : request.group() + "/")
                      + request.version()
                      + ")");
      case 410 ->
          error =
              ResolutionError.unavailable(
                  "the resourceVersion of "
                      + request.describe()
                      + " expired ("
                      + answered
                      + said
                      + "): listing again");
      case 429 ->
          error =
              ResolutionError.unavailable(
                  "the Kubernetes API at "
                      + server
                      + " is throttling ("
                      + answered
                      + " on "
                      + request.describe()
                      + ")"
                      + retryAfter.map(d -> ": retrying after " + d.toSeconds() + " s").orElse(""));
      default -> {
        String text =
            "the Kubernetes API at "
                + server
                + " answered "
                + answered
                + " to "
                + request.describe()
                + said;
        error =
            code >= 500 || code == 0
                ? ResolutionError.unavailable(text)
                : ResolutionError.misconfigured(text);
      }
    }
    return new ApiFailure(error, code, retryAfter);
  }

  /** The user a 403's message names ({@code User "system:serviceaccount:shop:web" cannot ...}). */
  static String userIn(String forbiddenMessage) {
    int start = forbiddenMessage.indexOf("User \"");
    if (start < 0) {
      return null;
    }
    int end = forbiddenMessage.indexOf('"', start + 6);
    return end > start + 6 ? forbiddenMessage.substring(start + 6, end) : null;
  }

  /** The rule, one line of flow YAML that pastes into a Role's {@code rules:}. */
  static String rule(ApiRequest request) {
    return "{apiGroups: [\""
        + request.group()
        + "\"], resources: [\""
        + request.resource()
        + "\"], verbs: [\"get\", \"list\", \"watch\"]}";
  }

  /**
   * {@code Retry-After} in seconds (an HTTP date is not worth a clock here: the backoff applies).
   */
  static Optional<Duration> parseRetryAfter(Optional<String> header) {
    return header.flatMap(
        value -> {
          try {
            long seconds = Long.parseLong(value.trim());
            return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        });
  }

  /** A request that never got an HTTP answer, or a stream that broke. */
  static ApiFailure forThrowable(ApiServerAccess access, ApiRequest request, Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof ApiException e) {
      return e.failure();
    }
    URI server = access.server();
    String cannotReach = "cannot reach the Kubernetes API at " + server + ": ";
    ResolutionError error;
    if (find(t, SSLException.class) != null) {
      SSLException ssl = find(t, SSLException.class);
      error =
          ResolutionError.unavailable(
              "TLS with the Kubernetes API at "
                  + server
                  + " failed: "
                  + tlsReason(ssl)
                  + " (expected: a server certificate for "
                  + server.getHost()
                  + " signed by "
                  + access.caDescription()
                  + ")");
    } else if (find(t, HttpConnectTimeoutException.class) != null) {
      error = ResolutionError.unavailable(cannotReach + "no connection within the connect timeout");
    } else if (find(t, UnresolvedAddressException.class) != null
        || find(t, UnknownHostException.class) != null) {
      error = ResolutionError.unavailable(cannotReach + "unknown host " + server.getHost());
    } else if (find(t, ConnectException.class) != null) {
      error = ResolutionError.unavailable(cannotReach + connectReason(t));
    } else if (find(t, HttpTimeoutException.class) != null) {
      error =
          ResolutionError.unavailable(
              "the Kubernetes API at "
                  + server
                  + " did not answer "
                  + request.describe()
                  + " within the request timeout");
    } else if (t instanceof IOException) {
      error =
          ResolutionError.unavailable(
              "the connection to the Kubernetes API at "
                  + server
                  + " broke during "
                  + request.describe()
                  + ": "
                  + describe(t));
    } else {
      error =
          ResolutionError.unavailable(
              request.describe() + " at " + server + " failed: " + describe(t));
    }
    return ApiFailure.of(error);
  }

  private static String tlsReason(SSLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("PKIX") || m.contains("certification path")) {
      return "the server's certificate is not signed by a trusted CA";
    }
    if (m.contains("subject alternative") || m.contains("No name matching")) {
      return "the server's certificate does not name " + "the host (" + oneLine(m) + ")";
    }
    if (e instanceof SSLHandshakeException) {
      return "handshake failed (" + oneLine(m) + ")";
    }
    return oneLine(m);
  }

  private static String connectReason(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.isBlank()) {
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("refused")) {
          return "connection refused";
        }
        if (lower.contains("no route")) {
          return "no route to host";
        }
        if (lower.contains("unreachable")) {
          return "network unreachable";
        }
      }
    }
    // The JDK's client often throws a ConnectException without a message for a refusal.
    return "connection refused";
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static <E extends Throwable> E find(Throwable t, Class<E> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : oneLine(m);
  }

  /** The first line, at most 300 characters. */
  static String oneLine(String s) {
    String line = s.strip();
    int nl = line.indexOf('\n');
    if (nl >= 0) {
      line = line.substring(0, nl).strip();
    }
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
