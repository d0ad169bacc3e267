package dev.discovery.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import dev.discovery.api.Subscription;
import dev.discovery.testkit.ApiRequest;
import dev.discovery.testkit.ClusterObject;
import dev.discovery.testkit.ExpiredStyle;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a fake API server's requests as the Kubernetes API server does, in its order:
 * authentication (401), the in-flight limit (429), authorization (403), then the request itself:
 * discovery documents, get, list and watch, with {@code Status} objects for errors. Each request is
 * logged with the status it got.
 */
public final class ApiHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final String ANONYMOUS = "system:anonymous";

  /** What the handler works with, owned by the server. */
  public record Context(
      WatchCache cache,
      ApiAuthenticator authenticator,
      ApiFaultState faults,
      Set<WatchStream> streams,
      Consumer<ApiRequest> log,
      Duration bookmarkInterval,
      String serverAddress,
      Clock clock) {}

  private final Context c;

  public ApiHandler(Context context) {
    this.c = context;
  }

  /** One request being answered, and what the log keeps of it. */
  private final class Call {
    final HttpExchange ex;
    final Instant time;
    final String path;
    final Map<String, String> query;
    final ApiRoute route;
    final String verb;
    final String token;
    final String certificateUser;

    Call(HttpExchange ex) {
      this.ex = ex;
      this.time = c.clock().instant();
      this.path = ex.getRequestURI().getPath();
      this.query = query(ex.getRequestURI().getRawQuery());
      this.route = ApiRoute.of(path);
      this.verb = verb(ex.getRequestMethod(), route, query);
      this.token = bearer(ex);
      this.certificateUser = certificateUser(ex);
    }

    void log(int status) {
      c.log()
          .accept(
              new ApiRequest(
                  time,
                  ex.getRequestMethod(),
                  verb,
                  path,
                  query,
                  route == null || route.resource() == null ? null : route.resource().plural(),
                  route == null ? null : route.namespace(),
                  route == null ? null : route.name(),
                  token,
                  certificateUser,
                  ex.getRequestHeaders().getFirst("User-Agent"),
                  status));
    }

    void respond(int status, Map<String, Object> document) throws IOException {
      log(status);
      byte[] body = ApiDocuments.write(document);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "no-cache, private");
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }

    void fail(int status, String reason, String message, Map<String, Object> details)
        throws IOException {
      respond(status, ApiDocuments.status(status, reason, message, details));
    }
  }

  @Override
  public void handle(HttpExchange ex) {
    try (ex) {
      Call call = new Call(ex);
      serve(call);
    } catch (IOException e) {
      log.debug("Fake API server: the client went away: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Fake API server: failed to answer {}", ex.getRequestURI(), e);
    }
  }

  private void serve(Call call) throws IOException, InterruptedException {
    Duration delay = c.faults().delay();
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
    String user = authenticate(call);
    if (user == null) {
      call.fail(401, "Unauthorized", "Unauthorized", null);
      return;
    }
    Duration retryAfter = c.faults().takeTooManyRequests();
    if (retryAfter != null) {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      call.ex.getResponseHeaders().set("Retry-After", Long.toString(seconds));
      call.fail(
          429,
          "TooManyRequests",
          "Too many requests, please try again later.",
          Map.of("retryAfterSeconds", seconds));
      return;
    }
    if (forbidden(call, user)) {
      return;
    }
    if (call.route == null) {
      call.fail(404, "NotFound", "the server could not find the requested resource", Map.of());
      return;
    }
    if (!call.ex.getRequestMethod().equals("GET")) {
      call.fail(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
          Map.of());
      return;
    }
    if (c.faults().takeInternalError()) {
      call.fail(
          500,
          "InternalError",
          "Internal error occurred: injected by the test",
          Map.of("causes", List.of(Map.of("message", "injected by the test"))));
      return;
    }
    if (call.route.discovery() != null) {
      call.respond(200, call.route.discoveryDocument(c.serverAddress()));
      return;
    }
    ApiRoute r = call.route;
    if (r.name() != null && !call.verb.equals("watch")) {
      get(call);
      return;
    }
    Predicate<ClusterObject> filter;
    try {
      filter = filter(call);
    } catch (IllegalArgumentException e) {
      call.fail(400, "BadRequest", e.getMessage(), null);
      return;
    }
    String invalid = ListOptionsCheck.check(call.verb.equals("watch"), call.query);
    if (invalid != null) {
      call.fail(
          422,
          "Invalid",
          "ListOptions.meta.k8s.io \"\" is invalid: " + invalid,
          invalidDetails(invalid));
      return;
    }
    if (call.verb.equals("watch")) {
      watch(call, filter);
    } else {
      list(call, filter);
    }
  }

  private String authenticate(Call call) {
    ApiAuthenticator auth = c.authenticator();
    if (call.certificateUser != null && auth.acceptsCertificates()) {
      return call.certificateUser;
    }
    if (call.token != null) {
      return auth.userOfToken(call.token);
    }
    return call.certificateUser != null ? null : ANONYMOUS;
  }

  private boolean forbidden(Call call, String user) throws IOException {
    ApiRoute r = call.route;
    boolean anonymous = user.equals(ANONYMOUS);
    if (r == null || r.resource() == null) {
      if (anonymous && !call.path.equals("/version")) {
        call.fail(
            403,
            "Forbidden",
            "forbidden: User \"" + user + "\" cannot get path \"" + call.path + "\"",
            Map.of());
        return true;
      }
      return false;
    }
    ApiResource res = r.resource();
    if (!anonymous && !c.faults().forbidden(call.verb, res.plural(), r.namespace())) {
      return false;
    }
    String subject =
        r.name() == null ? res.qualifiedName() : res.qualifiedName() + " \"" + r.name() + "\"";
    String scope =
        r.namespace() == null
            ? "at the cluster scope"
            : "in the namespace \"" + r.namespace() + "\"";
    String message =
        subject
            + " is forbidden: User \""
            + user
            + "\" cannot "
            + call.verb
            + " resource \""
            + res.plural()
            + "\" in API group \""
            + res.group()
            + "\" "
            + scope;
    call.fail(403, "Forbidden", message, details(res, r.name()));
    return true;
  }

  private static Map<String, Object> details(ApiResource res, String name) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (name != null) {
      details.put("name", name);
    }
    if (!res.group().isEmpty()) {
      details.put("group", res.group());
    }
    details.put("kind", res.plural());
    return details;
  }

  private static Map<String, Object> invalidDetails(String invalid) {
    int colon = invalid.indexOf(':');
    Map<String, Object> cause = new LinkedHashMap<>();
    cause.put(
        "reason",
        invalid.contains("Unsupported value") ? "FieldValueNotSupported" : "FieldValueForbidden");
    cause.put("message", invalid.substring(colon + 2));
    cause.put("field", invalid.substring(0, colon));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("group", "meta.k8s.io");
    details.put("kind", "ListOptions");
    details.put("causes", List.of(cause));
    return details;
  }

  private Predicate<ClusterObject> filter(Call call) {
    ApiRoute r = call.route;
    LabelSelector labels = LabelSelector.parse(call.query.get("labelSelector"));
    FieldSelector fields = FieldSelector.parse(call.query.get("fieldSelector"));
    String namespace = r.namespace();
    String name = r.name();
    return o ->
        (namespace == null || namespace.equals(o.namespace()))
            && (name == null || name.equals(o.name()))
            && fields.matches(o)
            && labels.matches(ApiDocuments.labels(o));
  }

  private void get(Call call) throws IOException {
    ApiRoute r = call.route;
    String id = r.namespace() == null ? r.name() : r.namespace() + "/" + r.name();
    StoredObject stored = c.cache().get(r.resource(), id);
    if (stored == null) {
      call.fail(
          404,
          "NotFound",
          r.resource().qualifiedName() + " \"" + r.name() + "\" not found",
          details(r.resource(), r.name()));
      return;
    }
    call.respond(200, ApiDocuments.object(stored));
  }

  private void list(Call call, Predicate<ClusterObject> filter) throws IOException {
    String rvText = call.query.getOrDefault("resourceVersion", "");
    String match = call.query.getOrDefault("resourceVersionMatch", "");
    WatchCache.Listing listing = c.cache().list(call.route.resource(), filter);
    if (!rvText.isEmpty() && !rvText.equals("0")) {
      Long rv = resourceVersion(call, rvText);
      if (rv == null) {
        return;
      }
      if (rv > listing.resourceVersion()) {
        call.fail(
            504,
            "Timeout",
            "Too large resource version: " + rv + ", current: " + listing.resourceVersion(),
            Map.of(
                "causes",
                List.of(
                    Map.of(
                        "reason", "ResourceVersionTooLarge",
                        "message", "Too large resource version")),
                "retryAfterSeconds",
                1));
        return;
      }
      if (match.equals("Exact") && rv < listing.resourceVersion()) {
        // The fake keeps no past states: an exact read of an older version is as expired.
        call.fail(
            410,
            "Expired",
            "too old resource version: " + rv + " (" + listing.resourceVersion() + ")",
            Map.of());
        return;
      }
    }
    long oversized = c.faults().takeOversizedList();
    if (oversized > 0) {
      call.log(200);
      call.ex.getResponseHeaders().set("Content-Type", "application/json");
      call.ex.sendResponseHeaders(200, 0);
      try (OutputStream out = call.ex.getResponseBody()) {
        ApiDocuments.writePadded(out, "{\"kind\":\"List\",\"items\":[],\"padding\":\"", oversized);
      }
      return;
    }
    call.respond(
        200, ApiDocuments.list(call.route.resource(), listing.resourceVersion(), listing.items()));
  }

  private Long resourceVersion(Call call, String text) throws IOException {
    try {
      long rv = Long.parseLong(text);
      if (rv >= 0) {
        return rv;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    call.fail(400, "BadRequest", "invalid resource version: " + Validation.quote(text), null);
    return null;
  }

  private void watch(Call call, Predicate<ClusterObject> filter)
      throws IOException, InterruptedException {
    Map<String, String> q = call.query;
    String rvText = q.getOrDefault("resourceVersion", "");
    String initial = q.get("sendInitialEvents");
    boolean bookmarks = isTrue(q.get("allowWatchBookmarks"));
    Duration timeout = null;
    if (q.containsKey("timeoutSeconds")) {
      try {
        timeout = Duration.ofSeconds(Long.parseLong(q.get("timeoutSeconds")));
      } catch (NumberFormatException e) {
        call.fail(
            400,
            "BadRequest",
            "timeoutSeconds: "
                + Validation.quote(q.get("timeoutSeconds"))
                + " (expected: a whole number of seconds)",
            null);
        return;
      }
    }
    long from;
    if (isTrue(initial)) {
      from = -1;
    } else if (rvText.isEmpty() || rvText.equals("0")) {
      from = initial == null ? -1 : c.cache().resourceVersion();
    } else {
      Long rv = resourceVersion(call, rvText);
      if (rv == null) {
        return;
      }
      from = rv;
    }
    WatchStream stream = new WatchStream(call.route.resource(), c.faults());
    Subscription subscription;
    try {
      subscription = c.cache().watch(call.route.resource(), filter, from, isTrue(initial), stream);
    } catch (WatchCache.Expired e) {
      String message = "too old resource version: " + from + " (" + e.oldest() + ")";
      if (c.faults().expiredStyle() == ExpiredStyle.HTTP_STATUS) {
        call.fail(410, "Expired", message, Map.of());
        return;
      }
      stream.expire(message);
      subscription = () -> {};
    }
    c.streams().add(stream);
    try {
      call.log(200);
      call.ex.getResponseHeaders().set("Content-Type", "application/json");
      call.ex.getResponseHeaders().set("Cache-Control", "no-cache, private");
      call.ex.sendResponseHeaders(200, 0);
      try (OutputStream out = call.ex.getResponseBody()) {
        out.flush();
        stream.run(out, c.cache(), bookmarks ? c.bookmarkInterval() : null, timeout);
      }
    } finally {
      subscription.close();
      c.streams().remove(stream);
    }
  }

  private static boolean isTrue(String value) {
    return "true".equals(value) || "1".equals(value);
  }

  private static String verb(String method, ApiRoute route, Map<String, String> query) {
    switch (method) {
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "PATCH":
        return "patch";
      case "DELETE":
        return route != null && route.name() == null ? "deletecollection" : "delete";
      default:
        break;
    }
    if (route == null || route.resource() == null) {
      return "get";
    }
    if (isTrue(query.get("watch"))) {
      return "watch";
    }
    return route.name() == null ? "list" : "get";
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String bearer(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static String certificateUser(HttpExchange ex) {
    if (!(ex instanceof HttpsExchange https)) {
      return null;
    }
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
        return null;
      }
      X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
      RDN[] cn = subject.getRDNs(BCStyle.CN);
      return cn.length == 0 ? null : IETFUtils.valueToString(cn[0].getFirst().getValue());
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
