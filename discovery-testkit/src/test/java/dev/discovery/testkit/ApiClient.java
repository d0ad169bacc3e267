package dev.discovery.testkit;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's HTTP client, HTTP/1.1, trusting a fake API server's CA and sending its token: what the
 * server's own tests talk to it with.
 */
final class ApiClient {
  private final HttpClient http;
  private final URI base;
  private volatile String token;

  ApiClient(FakeApiServer api) {
    this(api, api.token(), null);
  }

  ApiClient(FakeApiServer api, String token, KeyManager[] keys) {
    this.base = api.url();
    this.token = token;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10));
    if (api.tls()) {
      b.sslContext(sslContext(api.caCertificatePem(), keys));
    }
    this.http = b.build();
  }

  static SSLContext sslContext(String caPem, KeyManager[] keys) {
    try {
      X509Certificate ca =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void token(String token) {
    this.token = token;
  }

  /** A response: its status, headers and body parsed as JSON. */
  record Response(int status, Map<String, List<String>> headers, Map<String, Object> body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return v == null ? null : v.get(0);
    }
  }

  Response get(String pathAndQuery) {
    return send("GET", pathAndQuery);
  }

  Response send(String method, String pathAndQuery) {
    try {
      HttpResponse<String> r =
          http.send(
              request(pathAndQuery).method(method, HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().map(), JSON.std.mapFrom(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("User-Agent", "api-client-test");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Opens a watch and collects its lines on a thread of its own. */
  Watch watch(String pathAndQuery) {
    try {
      HttpResponse<InputStream> r =
          http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      Watch w = new Watch(r.statusCode(), r.body());
      Thread t = new Thread(w::read, "watch-reader");
      t.setDaemon(true);
      t.start();
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A watch's lines, as they arrive. */
  static final class Watch implements AutoCloseable {
    final int status;
    private final InputStream body;
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean ended;

    Watch(int status, InputStream body) {
      this.status = status;
      this.body = body;
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the stream broke: as ended
      } finally {
        ended = true;
      }
    }

    /** The events parsed so far (malformed lines left out). */
    List<Map<String, Object>> events() {
      return lines.stream().map(Watch::parse).filter(m -> m != null).toList();
    }

    /** The events of {@code type} so far. */
    List<Map<String, Object>> events(String type) {
      return events().stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    private static Map<String, Object> parse(String line) {
      try {
        return JSON.std.mapFrom(line);
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String key) {
    return (Map<String, Object>) ((Map<String, Object>) o).get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> items(Response r) {
    return (List<Map<String, Object>>) r.body().get("items");
  }

  static String name(Map<String, Object> object) {
    return (String) map(object, "metadata").get("name");
  }

  static String resourceVersion(Map<String, Object> object) {
    return (String) map(object, "metadata").get("resourceVersion");
  }

  /** An event's object. */
  static Map<String, Object> object(Map<String, Object> event) {
    return map(event, "object");
  }
}
