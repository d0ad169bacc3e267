package dev.discovery.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The size of the SDK's runtime jars, from the reactor's own dependency resolution (nothing typed
 * by hand): discovery-api, discovery-k8s and discovery-grpc, plus every runtime dependency Maven
 * resolved for them, less grpc-api and what grpc-api brings (a gRPC user has those already).
 *
 * <p>Inputs, written by {@code run-bench} with maven-dependency-plugin:
 *
 * <ul>
 *   <li>{@code <module>/target/runtime-deps.txt}: {@code dependency:list -DincludeScope=runtime
 *       -DoutputAbsoluteArtifactFilename=true} of each SDK module and of discovery-bench (whose
 *       list locates the SDK modules' own jars);
 *   <li>{@code discovery-grpc/target/runtime-tree.json}: {@code dependency:tree -Dscope=runtime
 *       -DoutputType=json}, from which grpc-api's subtree is taken.
 * </ul>
 *
 * An artifact that grpc-api brings but discovery-api or discovery-k8s also need is counted: it
 * appears in their own lists. An optional dependency of a module is not counted (a user does not
 * get it), nor are test or provided ones (not in the runtime lists).
 */
public final class Footprint {
  public static final List<String> SDK_MODULES =
      List.of("discovery-api", "discovery-k8s", "discovery-grpc");
  static final String EXCLUDED_ROOT = "io.grpc:grpc-api";
  private static final String OPTIONAL = "(optional)";

  private Footprint() {}

  /**
   * One resolved artifact: {@code groupId:artifactId} (plus classifier), version, scope, file, and
   * whether the module declares it optional.
   */
  public record Artifact(String key, String version, String scope, Path file, boolean optional) {
    public String coordinates() {
      return key + ":" + version;
    }
  }

  /** Parses a {@code dependency:list} file written with absolute file names. */
  public static List<Artifact> parseList(Path listFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(listFile);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "dependency list: "
              + listFile
              + " cannot be read (expected: written by run-bench's dependency:list step)",
          e);
    }
    List<Artifact> out = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("The following") || line.equals("none")) {
        continue;
      }
      int module = line.indexOf(" -- ");
      if (module >= 0) {
        line = line.substring(0, module).strip();
      }
      boolean optional = line.endsWith(OPTIONAL);
      if (optional) {
        line = line.substring(0, line.length() - OPTIONAL.length()).strip();
      }
      // groupId:artifactId:type[:classifier]:version:scope:/absolute/path
      int path = line.indexOf(":/");
      if (path < 0) {
        throw new IllegalArgumentException(
            "dependency list line: \""
                + raw.strip()
                + "\" in "
                + listFile
                + " (expected: coordinates then an absolute file name)");
      }
      String[] c = line.substring(0, path).split(":");
      if (c.length != 5 && c.length != 6) {
        throw new IllegalArgumentException(
            "dependency list line: \""
                + raw.strip()
                + "\" (expected: groupId:artifactId:type[:classifier]:version:scope:file)");
      }
      String key = c[0] + ":" + c[1] + (c.length == 6 ? ":" + c[3] : "");
      out.add(
          new Artifact(
              key, c[c.length - 2], c[c.length - 1], Path.of(line.substring(path + 1)), optional));
    }
    return out;
  }

  /** {@code groupId:artifactId} of {@code root} and everything below it in a JSON tree. */
  @SuppressWarnings("unchecked")
  public static Set<String> subtree(Map<String, Object> tree, String root) {
    Set<String> out = new HashSet<>();
    collect(tree, root, false, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void collect(
      Map<String, Object> node, String root, boolean inside, Set<String> out) {
    String key = node.get("groupId") + ":" + node.get("artifactId");
    boolean in = inside || key.equals(root);
    if (in) {
      String classifier = String.valueOf(node.getOrDefault("classifier", ""));
      out.add(classifier.isEmpty() ? key : key + ":" + classifier);
    }
    Object children = node.get("children");
    if (children instanceof List<?> list) {
      for (Object child : list) {
        collect((Map<String, Object>) child, root, in, out);
      }
    }
  }

  /**
   * Computes the footprint from the build outputs under {@code reactor} (the repository root) and
   * returns it as a JSON-ready map.
   */
  public static Map<String, Object> compute(Path reactor) throws IOException {
    Map<String, Artifact> counted = new LinkedHashMap<>();
    Map<String, String> broughtBy = new LinkedHashMap<>();
    List<Artifact> benchList =
        parseList(reactor.resolve("discovery-bench/target/runtime-deps.txt"));
    for (String module : SDK_MODULES) {
      Artifact own =
          benchList.stream()
              .filter(a -> a.key().equals("dev.discovery:" + module))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          module
                              + ": not in discovery-bench's runtime dependencies (expected:"
                              + " discovery-bench depends on every SDK module)"));
      counted.put(own.key(), own);
      broughtBy.put(own.key(), module);
    }
    Path treeFile = reactor.resolve("discovery-grpc/target/runtime-tree.json");
    Map<String, Object> grpcTree = JSON.std.mapFrom(Files.readString(treeFile));
    if (!"discovery-grpc".equals(grpcTree.get("artifactId"))) {
      throw new IllegalStateException(
          treeFile
              + ": the tree of "
              + grpcTree.get("artifactId")
              + " (expected: discovery-grpc's, written by run-bench's dependency:tree step)");
    }
    Set<String> excludedKeys = subtree(grpcTree, EXCLUDED_ROOT);
    if (excludedKeys.isEmpty()) {
      throw new IllegalStateException(
          treeFile
              + ": no "
              + EXCLUDED_ROOT
              + " in discovery-grpc's runtime tree (expected: discovery-grpc depends on it)");
    }
    List<String> excluded = new ArrayList<>();
    List<String> optional = new ArrayList<>();
    for (String module : SDK_MODULES) {
      for (Artifact a : parseList(reactor.resolve(module).resolve("target/runtime-deps.txt"))) {
        if (module.equals("discovery-grpc") && excludedKeys.contains(a.key())) {
          excluded.add(a.coordinates());
          continue;
        }
        if (a.optional()) {
          optional.add(a.coordinates() + " (optional in " + module + ")");
          continue;
        }
        if (counted.putIfAbsent(a.key(), a) == null) {
          broughtBy.put(a.key(), module);
        }
      }
    }
    List<Map<String, Object>> jars = new ArrayList<>();
    long total = 0;
    for (Artifact a : counted.values()) {
      if (!Files.isRegularFile(a.file())) {
        throw new IllegalStateException(
            a.coordinates() + ": " + a.file() + " is not a file (expected: a packaged jar)");
      }
      long size = Files.size(a.file());
      total += size;
      Map<String, Object> jar = new LinkedHashMap<>();
      jar.put("artifact", a.coordinates());
      jar.put("bytes", size);
      jar.put("via", broughtBy.get(a.key()));
      jars.add(jar);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("modules", SDK_MODULES);
    out.put("excludedRoot", EXCLUDED_ROOT);
    out.put("excluded", excluded.stream().sorted().distinct().toList());
    out.put("optionalNotCounted", optional.stream().sorted().distinct().toList());
    out.put("jars", jars);
    out.put("totalBytes", total);
    return out;
  }

  /** Writes {@code footprint.json} into {@code args[1]} (default results) for reactor args[0]. */
  public static void main(String[] args) throws IOException {
    Path reactor = Path.of(args.length > 0 ? args[0] : "..");
    Path out = Path.of(args.length > 1 ? args[1] : "results").resolve("footprint.json");
    write(reactor, out);
  }

  public static void write(Path reactor, Path out) throws IOException {
    Map<String, Object> footprint = compute(reactor);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(footprint));
  }
}
