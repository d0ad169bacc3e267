package dev.discovery.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Facts about the machine a run is on, for the summary: CPU, cores, memory, OS, JVM, the commit
 * measured, and the load average (other processes share the cores: figures taken under load are
 * slower and noisier, so the summary shows the load beside them).
 */
public final class Machine {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private Machine() {}

  /** CPU, cores, memory, OS, JVM and commit, as a JSON-ready map. */
  public static Map<String, Object> facts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", cpuModel());
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("memoryBytes", memoryBytes());
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    String commit = System.getenv("BENCH_COMMIT");
    m.put("commit", commit == null || commit.isBlank() ? "unknown" : commit.strip());
    return m;
  }

  /**
   * The load averages over 1, 5 and 15 minutes (from {@code /proc/loadavg}; elsewhere the 1-minute
   * one from the JVM, the others NaN).
   */
  public static List<Double> load() {
    try {
      String[] f = Files.readString(LOADAVG).trim().split("\\s+");
      return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
    } catch (IOException | RuntimeException e) {
      double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return List.of(one, Double.NaN, Double.NaN);
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(CPUINFO)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture is all we know
    }
    return System.getProperty("os.arch");
  }

  private static long memoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}
