package dev.discovery.testkit;

import static dev.discovery.testkit.ApiClient.name;
import static dev.discovery.testkit.ApiClient.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.testkit.clock.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The faults a test injects into the fake API server, and who it lets in. */
class FakeApiServerFaultsTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Pod WEB = Pod.builder("shop", "web").label("app", "web").build();

  FakeClock clock = FakeClock.create();
  FakeCluster cluster = FakeCluster.create();
  FakeApiServer api;
  ApiClient client;

  @BeforeEach
  void start() {
    cluster.scale(WEB, 1);
    api = FakeApiServer.builder(cluster).clock(clock).start();
    client = new ApiClient(api);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private ApiClient.Watch watchFromNow() {
    return client.watch(
        "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + cluster.resourceVersion());
  }

  @Test
  void openWatches_countsTheStreamsOpenNow() {
    assertThat(api.openWatches()).isZero();
    try (ApiClient.Watch a = watchFromNow();
        ApiClient.Watch b = watchFromNow()) {
      await().atMost(WAIT).until(() -> api.openWatches() == 2);
      api.faults().dropWatches();
      await().atMost(WAIT).until(() -> a.ended && b.ended);
      await().atMost(WAIT).until(() -> api.openWatches() == 0);
    }
  }

  @Test
  void dropWatches_endsOpenStreamsNow() {
    try (ApiClient.Watch w = client.watch("/api/v1/namespaces/shop/pods?watch=true")) {
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      api.faults().dropWatches();
      await().atMost(WAIT).until(() -> w.ended);
    }
  }

  @Test
  void dropWatchesAfter_endsEachOpenStreamAfterThatManyEvents() {
    try (ApiClient.Watch w = watchFromNow()) {
      api.faults().dropWatchesAfter(2);
      cluster.scale(WEB, 4);
      await().atMost(WAIT).until(() -> w.ended);
      assertThat(w.events()).extracting(e -> name(object(e))).containsExactly("web-1", "web-2");
    }
  }

  @Test
  void stallWatches_holdsEventsUntilReleased() {
    try (ApiClient.Watch w = watchFromNow()) {
      api.faults().stallWatches();
      cluster.scale(WEB, 2);
      await()
          .during(Duration.ofMillis(300))
          .atMost(WAIT)
          .until(() -> w.lines.isEmpty() && !w.ended);
      api.faults().releaseWatches();
      await().atMost(WAIT).until(() -> w.events().size() == 1);
    }
  }

  @Test
  void expireOpenWatches_endsThemWithAnErrorEvent_andHistoryIsGone() {
    long old = cluster.resourceVersion();
    try (ApiClient.Watch w = watchFromNow()) {
      cluster.scale(WEB, 2);
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      api.faults().expireOpenWatches();
      await().atMost(WAIT).until(() -> w.ended);
      Map<String, Object> last = w.events().get(w.events().size() - 1);
      assertThat(last).containsEntry("type", "ERROR");
      assertThat(object(last)).containsEntry("code", 410).containsEntry("reason", "Expired");
    }
    api.faults().expiredAs(ExpiredStyle.HTTP_STATUS);
    assertThat(client.get("/api/v1/pods?watch=true&resourceVersion=" + old).status())
        .isEqualTo(410);
  }

  @Test
  void malformedEvent_oneBadLineBeforeTheNextEvent() {
    try (ApiClient.Watch w = watchFromNow()) {
      api.faults().malformedEvent();
      cluster.scale(WEB, 3);
      await().atMost(WAIT).until(() -> w.lines.size() == 3);
      assertThat(w.lines.get(0)).isEqualTo("{\"type\":\"MODIFIED\",\"object\":{\"kind\":");
      assertThat(w.events()).extracting(e -> name(object(e))).containsExactly("web-1", "web-2");
    }
  }

  @Test
  void unauthorizedToken_andUnknownToken_get401() {
    api.faults().unauthorized(api.token());
    ApiClient.Response refused = client.get("/api/v1/pods");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body())
        .containsEntry("kind", "Status")
        .containsEntry("reason", "Unauthorized")
        .containsEntry("message", "Unauthorized");

    ApiClient wrong = new ApiClient(api, "not-the-token", null);
    assertThat(wrong.get("/api").status()).isEqualTo(401);
    assertThat(api.requests().all()).extracting(ApiRequest::status).containsExactly(401, 401);
  }

  @Test
  void anonymous_mayReadTheVersionOnly() {
    ApiClient anonymous = new ApiClient(api, null, null);
    assertThat(anonymous.get("/version").status()).isEqualTo(200);
    ApiClient.Response r = anonymous.get("/api/v1/namespaces/shop/services");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body().get("message"))
        .isEqualTo(
            "services is forbidden: User \"system:anonymous\" cannot list resource \"services\""
                + " in API group \"\" in the namespace \"shop\"");
  }

  @Test
  void forbid_aVerbAndResource_inANamespace_withTheRealMessage() {
    api.faults().forbid("get", "services", "shop").forbid("list", "endpointslices");

    ApiClient.Response get = client.get("/api/v1/namespaces/shop/services/x");
    assertThat(get.status()).isEqualTo(403);
    assertThat(get.body())
        .containsEntry("reason", "Forbidden")
        .containsEntry(
            "message",
            "services \"x\" is forbidden: User \""
                + FakeApiServer.TOKEN_USER
                + "\" cannot get resource \"services\" in API group \"\" in the namespace"
                + " \"shop\"");
    assertThat(client.get("/api/v1/namespaces/other/services/x").status()).isEqualTo(404);

    ApiClient.Response list = client.get("/apis/discovery.k8s.io/v1/endpointslices");
    assertThat(list.body().get("message"))
        .isEqualTo(
            "endpointslices.discovery.k8s.io is forbidden: User \""
                + FakeApiServer.TOKEN_USER
                + "\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\""
                + " at the cluster scope");
    try (ApiClient.Watch watch = client.watch("/apis/discovery.k8s.io/v1/endpointslices?watch=1")) {
      assertThat(watch.status).isEqualTo(200);
    }
  }

  @Test
  void tooManyRequests_theNextN_withRetryAfter() {
    api.faults().tooManyRequests(2, Duration.ofSeconds(3));

    for (int i = 0; i < 2; i++) {
      ApiClient.Response r = client.get("/api/v1/pods");
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.header("Retry-After")).isEqualTo("3");
      assertThat(r.body())
          .containsEntry("reason", "TooManyRequests")
          .containsEntry("details", Map.of("retryAfterSeconds", 3));
    }
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
  }

  @Test
  void internalErrors_theNextN() {
    api.faults().internalErrors(1);

    ApiClient.Response r = client.get("/api/v1/pods");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).containsEntry("reason", "InternalError").containsEntry("code", 500);
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
  }

  @Test
  void delay_stillAnswersCorrectly() {
    api.faults().delay(Duration.ofMillis(200));
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
    api.faults().reset();
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
  }

  @Test
  void rotateToken_oldOneAcceptedForTheGrace_thenRefused() {
    String old = api.token();
    String fresh = api.faults().rotateToken(Duration.ofMinutes(1));

    assertThat(fresh).isNotEqualTo(old).isEqualTo(api.token());
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(60));
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(401);
    client.token(fresh);
    assertThat(client.get("/api/v1/pods").status()).isEqualTo(200);
    assertThat(api.requests().all())
        .extracting(ApiRequest::token)
        .containsExactly(old, old, old, fresh);
  }

  @Test
  void requestLog_timesComeFromTheServersClock() {
    clock.advance(Duration.ofHours(1));
    client.get("/api");
    assertThat(api.requests().all()).extracting(ApiRequest::time).containsExactly(clock.instant());
    assertThat(List.of(api.requests().count("get", "pods"))).containsExactly(0L);
  }
}
