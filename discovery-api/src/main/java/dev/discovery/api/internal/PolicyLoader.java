package dev.discovery.api.internal;

import dev.discovery.api.Policy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policies {@link ServiceLoader} finds, by name; loaded once. */
public final class PolicyLoader {
  private static final Logger log = LoggerFactory.getLogger(PolicyLoader.class);

  private PolicyLoader() {}

  private static final class Holder {
    static final Map<String, Policy> BY_NAME = load();

    private static Map<String, Policy> load() {
      Map<String, Policy> byName = new TreeMap<>();
      byName.put("random", RandomPolicy.THREAD_LOCAL);
      byName.put("sticky", StickyPolicy.INSTANCE);
      byName.put("least_request", LeastRequestPolicy.DEFAULT);
      var it = ServiceLoader.load(Policy.class, Policy.class.getClassLoader()).iterator();
      while (true) {
        try {
          if (!it.hasNext()) {
            break;
          }
          Policy f = it.next();
          if (f instanceof RandomPolicy
              || f instanceof StickyPolicy
              || f instanceof LeastRequestPolicy) {
            continue;
          }
          Policy before = byName.putIfAbsent(f.name(), f);
          if (before != null) {
            log.warn(
                "Ignoring policy {} ({}): the name is taken by {}",
                f.name(),
                f.getClass().getName(),
                before.getClass().getName());
          }
        } catch (ServiceConfigurationError e) {
          log.warn("Skipping a picker factory that cannot be loaded: {}", e.getMessage());
        }
      }
      return Map.copyOf(byName);
    }
  }

  public static Optional<Policy> byName(String name) {
    return Optional.ofNullable(Holder.BY_NAME.get(name));
  }

  public static List<String> names() {
    return Holder.BY_NAME.keySet().stream().sorted().toList();
  }

  /** Every policy found, by name. */
  public static Map<String, Policy> all() {
    return Holder.BY_NAME;
  }
}
