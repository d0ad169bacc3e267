package dev.discovery.testkit;

import static dev.discovery.testkit.ApiClient.items;
import static dev.discovery.testkit.ApiClient.map;
import static dev.discovery.testkit.ApiClient.name;
import static dev.discovery.testkit.ApiClient.resourceVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake API server's documents, lists and gets, errors and request log, over real HTTPS. */
class FakeApiServerTest {
  FakeCluster cluster = FakeCluster.create();
  FakeApiServer api;
  ApiClient client;

  @BeforeEach
  void start() {
    cluster.apply(Node.builder("node-a").zone("zone-a").build());
    cluster.apply(Pod.builder("shop", "web-0").label("app", "web").label("tier", "front").build());
    cluster.apply(Pod.builder("shop", "web-1").label("app", "web").build());
    cluster.apply(Pod.builder("shop", "db-0").label("app", "db").build());
    cluster.apply(Pod.builder("other", "cache-0").build());
    cluster.apply(
        Service.clusterIp("shop", "web").selector("app", "web").port("http", 80, 8080).build());
    api = FakeApiServer.start(cluster);
    client = new ApiClient(api);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void discoveryDocuments_nameTheServedResources_asKubectlReadsThem() {
    ApiClient.Response core = client.get("/api");
    assertThat(core.status()).isEqualTo(200);
    assertThat(core.body()).containsEntry("kind", "APIVersions");
    assertThat(core.body().get("versions")).isEqualTo(List.of("v1"));

    ApiClient.Response groups = client.get("/apis");
    assertThat(groups.body()).containsEntry("kind", "APIGroupList");
    assertThat(groups.body().toString()).contains("discovery.k8s.io/v1");

    ApiClient.Response v1 = client.get("/api/v1");
    assertThat(v1.body())
        .containsEntry("kind", "APIResourceList")
        .containsEntry("groupVersion", "v1");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> resources = (List<Map<String, Object>>) v1.body().get("resources");
    assertThat(resources)
        .extracting(r -> r.get("name"))
        .containsExactly("namespaces", "nodes", "pods", "services");
    Map<String, Object> services = resources.get(3);
    assertThat(services)
        .containsEntry("kind", "Service")
        .containsEntry("singularName", "service")
        .containsEntry("namespaced", true)
        .containsEntry("shortNames", List.of("svc"))
        .containsEntry("verbs", List.of("get", "list", "watch"));
    assertThat(resources.get(1)).containsEntry("namespaced", false);

    ApiClient.Response discovery = client.get("/apis/discovery.k8s.io/v1");
    assertThat(discovery.body()).containsEntry("groupVersion", "discovery.k8s.io/v1");
    assertThat(discovery.body().toString()).contains("name=endpointslices", "kind=EndpointSlice");

    assertThat(client.get("/version").body()).containsEntry("major", "1").containsKey("gitVersion");
  }

  @Test
  void list_inANamespace_carriesTheClusterVersion_andEachObjectItsOwn() {
    ApiClient.Response r = client.get("/api/v1/namespaces/shop/pods");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).containsEntry("kind", "PodList").containsEntry("apiVersion", "v1");
    assertThat(map(r.body(), "metadata"))
        .containsEntry("resourceVersion", Long.toString(cluster.resourceVersion()));
    assertThat(items(r)).extracting(ApiClient::name).containsExactly("db-0", "web-0", "web-1");
    Map<String, Object> web0 = items(r).get(1);
    assertThat(web0).containsEntry("kind", "Pod");
    assertThat(map(web0, "metadata"))
        .containsEntry("namespace", "shop")
        .containsKeys("uid", "creationTimestamp");
    assertThat(Long.parseLong(resourceVersion(web0))).isBetween(1L, cluster.resourceVersion());
  }

  @Test
  void list_acrossNamespaces_andClusterScoped() {
    assertThat(items(client.get("/api/v1/pods")))
        .extracting(ApiClient::name)
        .containsExactly("cache-0", "db-0", "web-0", "web-1");
    assertThat(items(client.get("/api/v1/nodes")))
        .extracting(ApiClient::name)
        .containsExactly("node-a");
    assertThat(items(client.get("/api/v1/namespaces")))
        .extracting(ApiClient::name)
        .containsExactly("other", "shop");
    assertThat(items(client.get("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices")))
        .hasSize(1);
  }

  @Test
  void list_labelSelectors_everyOperator() {
    assertThat(pods("app%3Dweb")).containsExactly("web-0", "web-1");
    assertThat(pods("app%3D%3Dweb")).containsExactly("web-0", "web-1");
    assertThat(pods("app!%3Dweb")).containsExactly("cache-0", "db-0");
    assertThat(pods("app%20in%20(web,db)")).containsExactly("db-0", "web-0", "web-1");
    assertThat(pods("app%20notin%20(web)")).containsExactly("cache-0", "db-0");
    assertThat(pods("tier")).containsExactly("web-0");
    assertThat(pods("!tier")).containsExactly("cache-0", "db-0", "web-1");
    assertThat(pods("app%3Dweb,!tier")).containsExactly("web-1");
  }

  private List<String> pods(String labelSelector) {
    ApiClient.Response r = client.get("/api/v1/pods?labelSelector=" + labelSelector);
    assertThat(r.status()).as(labelSelector).isEqualTo(200);
    return items(r).stream().map(ApiClient::name).toList();
  }

  @Test
  void list_fieldSelector_byNameAndNamespace() {
    assertThat(
            items(client.get("/api/v1/pods?fieldSelector=metadata.name%3Dweb-0")).stream()
                .map(ApiClient::name))
        .containsExactly("web-0");
    assertThat(
            items(client.get("/api/v1/pods?fieldSelector=metadata.namespace%3Dother")).stream()
                .map(ApiClient::name))
        .containsExactly("cache-0");
    ApiClient.Response bad = client.get("/api/v1/pods?fieldSelector=spec.nodeName%3Dx");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).containsEntry("message", "field label not supported: spec.nodeName");
  }

  @Test
  void list_badLabelSelector_is400BadRequest() {
    ApiClient.Response r = client.get("/api/v1/pods?labelSelector=app%3D%3D%3Da%20b");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body())
        .containsEntry("kind", "Status")
        .containsEntry("status", "Failure")
        .containsEntry("reason", "BadRequest")
        .containsEntry("code", 400);
    assertThat((String) r.body().get("message")).startsWith("unable to parse requirement");
  }

  @Test
  void get_anObject_orNotFoundWithDetails() {
    ApiClient.Response svc = client.get("/api/v1/namespaces/shop/services/web");
    assertThat(svc.status()).isEqualTo(200);
    assertThat(svc.body()).containsEntry("kind", "Service");
    assertThat(name(svc.body())).isEqualTo("web");

    ApiClient.Response missing = client.get("/api/v1/namespaces/shop/services/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body())
        .containsEntry("reason", "NotFound")
        .containsEntry("message", "services \"nope\" not found")
        .containsEntry("details", Map.of("name", "nope", "kind", "services"));

    ApiClient.Response slice =
        client.get("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices/nope");
    assertThat(slice.body())
        .containsEntry("message", "endpointslices.discovery.k8s.io \"nope\" not found")
        .containsEntry(
            "details",
            Map.of("name", "nope", "group", "discovery.k8s.io", "kind", "endpointslices"));

    ApiClient.Response ns = client.get("/api/v1/namespaces/shop");
    assertThat(ns.body()).containsEntry("kind", "Namespace");
  }

  @Test
  void unknownPaths_are404_andWrites405() {
    ApiClient.Response unknown = client.get("/api/v1/configmaps");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body())
        .containsEntry("message", "the server could not find the requested resource");

    ApiClient.Response post = client.send("POST", "/api/v1/namespaces/shop/services");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.body()).containsEntry("reason", "MethodNotAllowed");
    assertThat(api.requests().all().get(api.requests().all().size() - 1).verb())
        .isEqualTo("create");
  }

  @Test
  void listOptions_thatTheServerRefuses_are422Invalid() {
    ApiClient.Response r =
        client.get(
            "/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan");

    assertThat(r.status()).isEqualTo(422);
    assertThat(r.body())
        .containsEntry("reason", "Invalid")
        .containsEntry(
            "message",
            "ListOptions.meta.k8s.io \"\" is invalid: allowWatchBookmarks: Forbidden:"
                + " sendInitialEvents requires setting allowWatchBookmarks to true");
    assertThat(client.get("/api/v1/pods?resourceVersionMatch=Exact").status()).isEqualTo(422);
  }

  @Test
  void listResourceVersions_anyNotOlderThanAndExact() {
    long rv = cluster.resourceVersion();
    assertThat(client.get("/api/v1/pods?resourceVersion=0").status()).isEqualTo(200);
    assertThat(
            client.get("/api/v1/pods?resourceVersion=1&resourceVersionMatch=NotOlderThan").status())
        .isEqualTo(200);
    assertThat(
            client
                .get("/api/v1/pods?resourceVersion=" + rv + "&resourceVersionMatch=Exact")
                .status())
        .isEqualTo(200);
    ApiClient.Response old =
        client.get("/api/v1/pods?resourceVersion=1&resourceVersionMatch=Exact");
    assertThat(old.status()).isEqualTo(410);
    assertThat(old.body()).containsEntry("reason", "Expired");
    ApiClient.Response future = client.get("/api/v1/pods?resourceVersion=" + (rv + 5));
    assertThat(future.status()).isEqualTo(504);
    assertThat(future.body()).containsEntry("reason", "Timeout");
  }

  @Test
  void requestLog_recordsVerbResourceNamespaceTokenAndStatus() {
    client.get("/api/v1/namespaces/shop/services?labelSelector=app%3Dweb");
    client.get("/api/v1/namespaces/shop/services/web");
    client.get("/api");

    List<ApiRequest> all = api.requests().all();
    assertThat(all).hasSize(3);
    ApiRequest list = all.get(0);
    assertThat(list.verb()).isEqualTo("list");
    assertThat(list.resource()).isEqualTo("services");
    assertThat(list.namespace()).isEqualTo("shop");
    assertThat(list.query()).containsEntry("labelSelector", "app=web");
    assertThat(list.token()).isEqualTo(api.token());
    assertThat(list.userAgent()).isEqualTo("api-client-test");
    assertThat(list.status()).isEqualTo(200);
    assertThat(all.get(1).verb()).isEqualTo("get");
    assertThat(all.get(1).name()).isEqualTo("web");
    assertThat(all.get(2).resource()).isNull();
    assertThat(api.requests().count("list", "services")).isEqualTo(1);
    assertThat(api.requests().count("get", "services")).isEqualTo(1);
  }

  @Test
  void kubeconfig_namesTheServerCaAndToken() throws Exception {
    String yaml = Files.readString(api.kubeconfig());

    assertThat(yaml)
        .contains("server: " + api.url())
        .contains("certificate-authority-data: ")
        .contains("token: " + api.token())
        .contains("current-context: fake-api-server")
        .contains("namespace: default");
  }

  @Test
  void url_isLoopbackHttps() {
    assertThat(api.url().getScheme()).isEqualTo("https");
    assertThat(api.url().getHost()).isEqualTo("127.0.0.1");
    assertThat(api.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void plainHttp_servesTheSame_withoutCertificates() {
    try (FakeApiServer plain = FakeApiServer.builder(cluster).plainHttp().token("t0k3n").start()) {
      ApiClient c = new ApiClient(plain);
      assertThat(plain.url().getScheme()).isEqualTo("http");
      assertThat(c.get("/api/v1/pods").status()).isEqualTo(200);
      assertThat(plain.token()).isEqualTo("t0k3n");
      assertThatThrownBy(plain::caCertificatePem)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("plain HTTP");
    }
  }
}
