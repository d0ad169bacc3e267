package dev.discovery.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FootprintTest {

  @Test
  void parseList_readsCoordinatesClassifiersAndAbsoluteFiles(@TempDir Path dir) throws IOException {
    Path list = dir.resolve("runtime-deps.txt");
    Files.writeString(
        list,
        """

        The following files have been resolved:
           org.slf4j:slf4j-api:jar:2.0.20:compile:/m2/slf4j-api-2.0.20.jar -- module org.slf4j
           io.netty:netty-x:jar:linux-x86_64:4.2.15.Final:runtime:/m2/netty-x.jar -- module n [auto]
           a.b:opt:jar:1.0:compile:/m2/opt-1.0.jar (optional) -- module opt (auto)
        """);

    List<Footprint.Artifact> artifacts = Footprint.parseList(list);

    assertThat(artifacts)
        .containsExactly(
            new Footprint.Artifact(
                "org.slf4j:slf4j-api",
                "2.0.20",
                "compile",
                Path.of("/m2/slf4j-api-2.0.20.jar"),
                false),
            new Footprint.Artifact(
                "io.netty:netty-x:linux-x86_64",
                "4.2.15.Final",
                "runtime",
                Path.of("/m2/netty-x.jar"),
                false),
            new Footprint.Artifact("a.b:opt", "1.0", "compile", Path.of("/m2/opt-1.0.jar"), true));
  }

  @Test
  void parseList_lineWithoutFile_namesTheLineAndWhatWasExpected(@TempDir Path dir)
      throws IOException {
    Path list = dir.resolve("runtime-deps.txt");
    Files.writeString(list, "   org.slf4j:slf4j-api:jar:2.0.20:compile\n");

    assertThatThrownBy(() -> Footprint.parseList(list))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"org.slf4j:slf4j-api:jar:2.0.20:compile\"")
        .hasMessageContaining("expected: coordinates then an absolute file name");
  }

  @Test
  void subtree_takesTheRootAndEverythingBelowItOnly() throws IOException {
    Map<String, Object> tree =
        JSON.std.mapFrom(
            """
            {"groupId":"dev.discovery","artifactId":"discovery-grpc","children":[
              {"groupId":"dev.discovery","artifactId":"discovery-api","children":[
                {"groupId":"org.slf4j","artifactId":"slf4j-api"}]},
              {"groupId":"io.grpc","artifactId":"grpc-api","children":[
                {"groupId":"com.google.guava","artifactId":"guava","children":[
                  {"groupId":"com.google.guava","artifactId":"failureaccess"}]}]}]}
            """);

    assertThat(Footprint.subtree(tree, "io.grpc:grpc-api"))
        .containsExactlyInAnyOrder(
            "io.grpc:grpc-api", "com.google.guava:guava", "com.google.guava:failureaccess");
  }

  @Test
  @SuppressWarnings("unchecked")
  void compute_countsSdkJarsAndTheirDependenciesButNotWhatGrpcApiBrings(@TempDir Path reactor)
      throws IOException {
    Path m2 = Files.createDirectories(reactor.resolve("m2"));
    Path api = jar(m2, "discovery-api.jar", 100);
    Path k8s = jar(m2, "discovery-k8s.jar", 200);
    Path grpc = jar(m2, "discovery-grpc.jar", 300);
    Path slf4j = jar(m2, "slf4j.jar", 40);
    Path dnsjava = jar(m2, "dnsjava.jar", 500);
    Path grpcApi = jar(m2, "grpc-api.jar", 9_000);
    Path guava = jar(m2, "guava.jar", 90_000);
    list(
        reactor,
        "discovery-bench",
        line("dev.discovery:discovery-api", api),
        line("dev.discovery:discovery-k8s", k8s),
        line("dev.discovery:discovery-grpc", grpc),
        line("com.google.guava:guava", guava));
    list(reactor, "discovery-api", line("org.slf4j:slf4j-api", slf4j));
    Path optional = jar(m2, "optional.jar", 7_000);
    list(
        reactor,
        "discovery-k8s",
        line("dev.discovery:discovery-api", api),
        line("dnsjava:dnsjava", dnsjava),
        line("a.b:opt", optional) + " (optional)");
    list(
        reactor,
        "discovery-grpc",
        line("dev.discovery:discovery-api", api),
        line("org.slf4j:slf4j-api", slf4j),
        line("io.grpc:grpc-api", grpcApi),
        line("com.google.guava:guava", guava));
    Files.writeString(
        reactor.resolve("discovery-grpc/target/runtime-tree.json"),
        """
        {"groupId":"dev.discovery","artifactId":"discovery-grpc","children":[
          {"groupId":"io.grpc","artifactId":"grpc-api","children":[
            {"groupId":"com.google.guava","artifactId":"guava"}]}]}
        """);

    Map<String, Object> f = Footprint.compute(reactor);

    assertThat(f.get("totalBytes")).isEqualTo(100L + 200 + 300 + 40 + 500);
    assertThat((List<Object>) f.get("excluded"))
        .containsExactly("com.google.guava:guava:1", "io.grpc:grpc-api:1");
    assertThat((List<Object>) f.get("optionalNotCounted"))
        .containsExactly("a.b:opt:1 (optional in discovery-k8s)");
    assertThat((List<Map<String, Object>>) f.get("jars"))
        .extracting(j -> j.get("artifact"))
        .containsExactly(
            "dev.discovery:discovery-api:1",
            "dev.discovery:discovery-k8s:1",
            "dev.discovery:discovery-grpc:1",
            "org.slf4j:slf4j-api:1",
            "dnsjava:dnsjava:1");
  }

  @Test
  void compute_treeWithoutGrpcApi_failsSayingWhatWasExpected(@TempDir Path reactor)
      throws IOException {
    Path m2 = Files.createDirectories(reactor.resolve("m2"));
    Path api = jar(m2, "discovery-api.jar", 100);
    list(
        reactor,
        "discovery-bench",
        line("dev.discovery:discovery-api", api),
        line("dev.discovery:discovery-k8s", api),
        line("dev.discovery:discovery-grpc", api));
    Files.createDirectories(reactor.resolve("discovery-grpc/target"));
    Files.writeString(
        reactor.resolve("discovery-grpc/target/runtime-tree.json"),
        "{\"groupId\":\"dev.discovery\",\"artifactId\":\"discovery-grpc\",\"children\":[]}");

    assertThatThrownBy(() -> Footprint.compute(reactor))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no io.grpc:grpc-api in discovery-grpc's runtime tree");
  }

  private static Path jar(Path dir, String name, int size) throws IOException {
    return Files.write(dir.resolve(name), new byte[size]);
  }

  private static String line(String key, Path file) {
    return "   " + key.replaceFirst(":([^:]+)$", ":$1:jar:1:compile:") + file;
  }

  private static void list(Path reactor, String module, String... lines) throws IOException {
    Path target = Files.createDirectories(reactor.resolve(module).resolve("target"));
    Files.writeString(
        target.resolve("runtime-deps.txt"),
        "The following files have been resolved:\n" + String.join("\n", lines) + "\n");
  }
}
