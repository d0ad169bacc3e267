package dev.discovery.testkit;

import static dev.discovery.testkit.ApiClient.map;
import static dev.discovery.testkit.ApiClient.name;
import static dev.discovery.testkit.ApiClient.object;
import static dev.discovery.testkit.ApiClient.resourceVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Watches of the fake API server: events, versions, resumption, expiry, bookmarks, timeouts. */
class FakeApiServerWatchTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Pod WEB =
      Pod.builder("shop", "web").label("app", "web").containerPort("http", 8080).build();

  FakeCluster cluster = FakeCluster.create();
  FakeApiServer api;
  ApiClient client;

  @BeforeEach
  void start() {
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, "http").build());
    cluster.scale(WEB, 1);
    api =
        FakeApiServer.builder(cluster)
            .bookmarkInterval(Duration.ofMillis(200))
            .historyWindow(10)
            .start();
    client = new ApiClient(api);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static List<String> names(List<Map<String, Object>> events) {
    return events.stream().map(e -> e.get("type") + " " + name(object(e))).toList();
  }

  @Test
  void watchFromAList_seesAScaleUpInOrder_eachEventUnderItsVersion() {
    long listed =
        Long.parseLong(
            (String)
                map(client.get("/api/v1/namespaces/shop/pods").body(), "metadata")
                    .get("resourceVersion"));
    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + listed)) {
      assertThat(w.status).isEqualTo(200);
      cluster.scale(WEB, 3);
      cluster.deletePod("shop", "web-0");

      await().atMost(WAIT).until(() -> w.events().size() == 3);
      assertThat(names(w.events())).containsExactly("ADDED web-1", "ADDED web-2", "DELETED web-0");
      List<Long> versions =
          w.events().stream().map(e -> Long.parseLong(resourceVersion(object(e)))).toList();
      assertThat(versions).containsExactly(listed + 1, listed + 1, listed + 2);
    }
  }

  @Test
  void endpointSlices_ofAServiceByLabel_areModifiedOnScaleUp() {
    String path =
        "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb";
    try (ApiClient.Watch w = client.watch(path + "&watch=1")) {
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      cluster.scale(WEB, 2);

      await().atMost(WAIT).until(() -> w.events().size() == 2);
      assertThat(w.events()).extracting(e -> e.get("type")).containsExactly("ADDED", "MODIFIED");
      assertThat(resourceVersion(object(w.events().get(1))))
          .isEqualTo(Long.toString(cluster.resourceVersion()));
    }
  }

  @Test
  void watchWithoutVersion_startsWithSyntheticAddedForTheCurrentState() {
    cluster.scale(WEB, 2);
    try (ApiClient.Watch w = client.watch("/api/v1/namespaces/shop/pods?watch=true")) {
      await().atMost(WAIT).until(() -> w.events().size() == 2);
      assertThat(names(w.events())).containsExactly("ADDED web-0", "ADDED web-1");
    }
    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=0")) {
      await().atMost(WAIT).until(() -> w.events().size() == 2);
    }
  }

  @Test
  void watchFromAVersion_replaysOnlyWhatCameAfter_noSyntheticAdded() {
    long before = cluster.resourceVersion();
    cluster.scale(WEB, 2);
    cluster.setReady("shop", "web-0", false);

    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + before)) {
      await().atMost(WAIT).until(() -> w.events().size() == 2);
      assertThat(names(w.events())).containsExactly("ADDED web-1", "MODIFIED web-0");
    }
    assertThat(api.requests().matching(ApiRequest::resumed)).hasSize(1);
  }

  @Test
  void anObjectLeavingTheSelector_isDeletedForTheWatch() {
    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&labelSelector=app%3Dweb")) {
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      cluster.relabel("shop", "web-0", Map.of("app", "old"));
      cluster.relabel("shop", "web-0", Map.of("app", "web"));

      await().atMost(WAIT).until(() -> w.events().size() == 3);
      assertThat(names(w.events())).containsExactly("ADDED web-0", "DELETED web-0", "ADDED web-0");
    }
  }

  @Test
  void versionOlderThanTheHistory_is410_asAnHttpStatus() {
    long old = cluster.resourceVersion();
    for (int i = 2; i <= 12; i++) {
      cluster.scale(WEB, i); // one pod and its slice per step: past the window of 10 changes
    }

    api.faults().expiredAs(ExpiredStyle.HTTP_STATUS);
    ApiClient.Response r =
        client.get("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + old);

    assertThat(r.status()).isEqualTo(410);
    assertThat(r.body()).containsEntry("reason", "Expired").containsEntry("code", 410);
    assertThat((String) r.body().get("message"))
        .matches("too old resource version: " + old + " \\(\\d+\\)");
  }

  @Test
  void versionOlderThanTheHistory_is410_inTheStream() {
    long old = cluster.resourceVersion();
    cluster.scale(WEB, 2);
    api.faults().expireHistory(); // in the stream: the default

    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + old)) {
      assertThat(w.status).isEqualTo(200);
      await().atMost(WAIT).until(() -> w.ended);
      assertThat(w.events()).hasSize(1);
      Map<String, Object> error = w.events().get(0);
      assertThat(error).containsEntry("type", "ERROR");
      assertThat(object(error))
          .containsEntry("kind", "Status")
          .containsEntry("reason", "Expired")
          .containsEntry("code", 410)
          .containsEntry(
              "message",
              "too old resource version: " + old + " (" + cluster.resourceVersion() + ")");
    }
    long now = cluster.resourceVersion();
    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=" + now)) {
      cluster.scale(WEB, 3);
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      assertThat(names(w.events())).containsExactly("ADDED web-2");
    }
  }

  @Test
  void bookmarks_comeAtTheInterval_withTheCurrentVersion_onlyWhenAllowed() {
    try (ApiClient.Watch w =
            client.watch("/api/v1/namespaces/shop/pods?watch=true&allowWatchBookmarks=true");
        ApiClient.Watch plain = client.watch("/api/v1/namespaces/shop/pods?watch=true")) {
      await().atMost(WAIT).until(() -> w.events("BOOKMARK").size() >= 2);
      cluster.scale(WEB, 2);
      long rv = cluster.resourceVersion();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  w.events("BOOKMARK").stream()
                      .anyMatch(b -> resourceVersion(object(b)).equals(Long.toString(rv))));
      Map<String, Object> bookmark = w.events("BOOKMARK").get(0);
      assertThat(object(bookmark)).containsEntry("kind", "Pod").containsEntry("apiVersion", "v1");
      // The kind's empty object, as the API server encodes it: zero values where Go has no
      // omitempty.
      assertThat(map(object(bookmark), "metadata"))
          .containsOnlyKeys("resourceVersion", "creationTimestamp")
          .containsEntry("creationTimestamp", null);
      assertThat(object(bookmark))
          .containsEntry("spec", java.util.Collections.singletonMap("containers", null));
      await().atMost(WAIT).until(() -> plain.events().size() == 2);
      assertThat(plain.events("BOOKMARK")).isEmpty();
    }
  }

  @Test
  void timeoutSeconds_endsTheStreamCleanly() {
    try (ApiClient.Watch w =
        client.watch("/api/v1/namespaces/shop/pods?watch=true&timeoutSeconds=1")) {
      await().atMost(WAIT).until(() -> w.ended);
      assertThat(names(w.events())).containsExactly("ADDED web-0");
    }
  }

  @Test
  void sendInitialEvents_streamsTheStateThenTheEndBookmark_thenChanges() {
    try (ApiClient.Watch w =
        client.watch(
            "/api/v1/namespaces/shop/pods?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
      await().atMost(WAIT).until(() -> w.events().size() >= 2);
      cluster.scale(WEB, 2);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  w.events().stream()
                      .anyMatch(
                          e -> e.get("type").equals("ADDED") && name(object(e)).equals("web-1")));

      List<Map<String, Object>> events =
          w.events().stream().filter(e -> !isPlainBookmark(e)).toList();
      assertThat(events)
          .extracting(e -> e.get("type"))
          .containsExactly("ADDED", "BOOKMARK", "ADDED");
      assertThat(map(map(object(events.get(1)), "metadata"), "annotations"))
          .containsEntry("k8s.io/initial-events-end", "true");
    }
  }

  private static boolean isPlainBookmark(Map<String, Object> event) {
    return event.get("type").equals("BOOKMARK")
        && map(object(event), "metadata").get("annotations") == null;
  }

  @Test
  void watchOfAllNamespaces_andOfClusterScopedNodes() {
    try (ApiClient.Watch pods = client.watch("/api/v1/pods?watch=true");
        ApiClient.Watch nodes = client.watch("/api/v1/nodes?watch=true")) {
      cluster.apply(Pod.builder("other", "x").build());
      cluster.apply(Node.builder("node-a").build());
      await().atMost(WAIT).until(() -> pods.events().size() == 2 && nodes.events().size() == 1);
      assertThat(names(pods.events())).containsExactly("ADDED web-0", "ADDED x");
      assertThat(names(nodes.events())).containsExactly("ADDED node-a");
    }
  }
}
