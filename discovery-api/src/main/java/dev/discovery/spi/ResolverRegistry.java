package dev.discovery.spi;

import dev.discovery.api.Discovery;
import dev.discovery.api.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ResolverProvider}s a {@link Discovery} can use, by scheme. Immutable and thread-safe.
 *
 * <p>The {@link #defaultRegistry() default registry} holds what {@link ServiceLoader} finds on the
 * class path or module path; tests build their own with {@link #of} or {@link #with}.
 *
 * @since 0.1
 */
public final class ResolverRegistry {
  private static final Logger log = LoggerFactory.getLogger(ResolverRegistry.class);

  private final List<ResolverProvider> providers;

  private ResolverRegistry(List<ResolverProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  /** The providers {@link ServiceLoader} finds, loaded once per JVM. */
  public static ResolverRegistry defaultRegistry() {
    return DefaultHolder.INSTANCE;
  }

  /** A registry of exactly {@code providers}. */
  public static ResolverRegistry of(ResolverProvider... providers) {
    return of(List.of(providers));
  }

  /** A registry of exactly {@code providers}. */
  public static ResolverRegistry of(List<? extends ResolverProvider> providers) {
    providers.forEach(p -> Objects.requireNonNull(p, "provider"));
    return new ResolverRegistry(new ArrayList<>(providers));
  }

  /** This registry plus {@code provider}, which wins over those of its scheme at equal priority. */
  public ResolverRegistry with(ResolverProvider provider) {
    Objects.requireNonNull(provider, "provider");
    List<ResolverProvider> all = new ArrayList<>();
    all.add(provider);
    all.addAll(providers);
    return new ResolverRegistry(all);
  }

  /** The available provider of {@code scheme} with the highest priority, if any. */
  public Optional<ResolverProvider> provider(String scheme) {
    Objects.requireNonNull(scheme, "scheme");
    return providers.stream()
        .filter(p -> p.scheme().equals(scheme) && p.isAvailable())
        .max(Comparator.comparingInt(ResolverProvider::priority)); // ties: the first registered
  }

  /**
   * Parses {@code target}: its scheme selects the provider, which parses the rest.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected; for a scheme with
   *     no available provider, the schemes installed
   */
  public Target parse(String target) {
    String scheme = UriTarget.schemeOf(target);
    ResolverProvider provider =
        provider(scheme)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "scheme: \""
                            + scheme
                            + "\" in \""
                            + target
                            + "\" has no resolver installed (expected one of: "
                            + String.join(", ", schemes())
                            + ")"));
    Target parsed = provider.parse(target);
    if (!parsed.scheme().equals(scheme)) {
      throw new IllegalStateException(
          provider + " parsed \"" + target + "\" as scheme " + parsed.scheme() + ", not " + scheme);
    }
    return parsed;
  }

  /** The schemes with an available provider, sorted. */
  public List<String> schemes() {
    TreeSet<String> schemes = new TreeSet<>();
    for (ResolverProvider p : providers) {
      if (p.isAvailable()) {
        schemes.add(p.scheme());
      }
    }
    return List.copyOf(schemes);
  }

  /** Every provider, in registration order. */
  public List<ResolverProvider> providers() {
    return providers;
  }

  @Override
  public String toString() {
    return "ResolverRegistry" + schemes();
  }

  private static final class DefaultHolder {
    static final ResolverRegistry INSTANCE = load();

    private static ResolverRegistry load() {
      List<ResolverProvider> found = new ArrayList<>();
      ServiceLoader<ResolverProvider> loader =
          ServiceLoader.load(ResolverProvider.class, ResolverRegistry.class.getClassLoader());
      var it = loader.iterator();
      while (true) {
        try {
          if (!it.hasNext()) {
            break;
          }
          found.add(it.next());
        } catch (ServiceConfigurationError e) {
          log.warn("Skipping a resolver provider that cannot be loaded: {}", e.getMessage());
        }
      }
      return new ResolverRegistry(found);
    }
  }
}
