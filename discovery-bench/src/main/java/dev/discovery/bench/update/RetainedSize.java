package dev.discovery.bench.update;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policies;
import dev.discovery.api.Policy;
import dev.discovery.bench.Fixtures;
import dev.discovery.spi.Candidates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;

/**
 * What a picker over 10,000 endpoints keeps alive beyond the {@link Endpoint} objects themselves,
 * measured with JOL's {@link GraphLayout}: the sizes of every object reachable from the picker,
 * less those reachable from the endpoints (which the watch's snapshot holds anyway). Sizes are
 * subtracted by class, not by address, so a GC between the two walks cannot skew them.
 */
public final class RetainedSize {
  static {
    // Endpoint and friends are records, whose field offsets Unsafe refuses to give: JOL then
    // finds them by probing ("magic field offsets"), as its error message advises.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  private RetainedSize() {}

  /** The bytes of every object reachable from {@code root} (JOL's {@link GraphLayout}). */
  public static long graphBytes(Object root) {
    return GraphLayout.parseInstance(root).totalSize();
  }

  /** The measurement for {@code policy} over {@code n} endpoints, as a JSON-ready map. */
  public static Map<String, Object> measure(String policy, int n) {
    List<Endpoint> endpoints = Fixtures.endpoints(n);
    Policy factory = Policies.byName(policy);
    Candidates<Endpoint> candidates = Candidates.ofEndpoints(endpoints);
    Object picker = factory.newPicker(candidates);
    GraphLayout endpointGraph = GraphLayout.parseInstance(endpoints.toArray());
    GraphLayout pickerGraph = GraphLayout.parseInstance(picker);
    GraphLayout bothGraph = GraphLayout.parseInstance(picker, candidates);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", policy);
    m.put("endpoints", n);
    m.put("endpointObjectsBytes", endpointGraph.totalSize());
    m.put("pickerBytes", beyond(pickerGraph, endpointGraph));
    m.put("pickerWithCandidatesBytes", beyond(bothGraph, endpointGraph));
    m.put("pickerBeyondEndpointsByClass", byClass(pickerGraph, endpointGraph));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return m;
  }

  private static long beyond(GraphLayout all, GraphLayout endpoints) {
    return all.totalSize() - endpoints.totalSize();
  }

  private static Map<String, Long> byClass(GraphLayout all, GraphLayout endpoints) {
    Multiset<Class<?>> a = all.getClassSizes();
    Multiset<Class<?>> e = endpoints.getClassSizes();
    Map<String, Long> out = new TreeMap<>();
    for (Class<?> c : a.keys()) {
      long d = a.count(c) - e.count(c);
      if (d != 0) {
        out.put(c.getTypeName(), d);
      }
    }
    return out;
  }

  /** Measures random and sticky over 10,000 endpoints and writes {@code retained.json}. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "results").resolve("retained.json");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    write(out, n);
  }

  public static void write(Path out, int n) throws IOException {
    List<Map<String, Object>> all = List.of(measure("sticky", n), measure("random", n));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(all));
  }
}
