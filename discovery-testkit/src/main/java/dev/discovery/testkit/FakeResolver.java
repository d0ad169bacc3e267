package dev.discovery.testkit;

import dev.discovery.api.Target;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ResolverProvider} for the {@code fake} scheme whose results the test decides: register
 * it on a {@code Discovery}, then drive each target through its {@link FakeTarget}.
 *
 * <pre>{@code
 * FakeResolver fake = FakeResolver.create();
 * FakeScheduler scheduler = FakeScheduler.create();
 * try (Discovery discovery =
 *         Discovery.builder().provider(fake).clock(scheduler.clock()).scheduler(scheduler).build();
 *     ServiceWatch web = discovery.watch("fake:///web.shop:grpc")) {
 *   FakeTarget target = fake.target("fake:///web.shop:grpc");
 *   target.publish(Endpoint.of(ip1, 8080), Endpoint.of(ip2, 8080));
 *   target.fail(ResolutionError.unavailable("DNS down"));   // the watch keeps its last good list
 *   assertThat(target.refreshes()).isZero();
 * }
 * }</pre>
 *
 * <p>A fake target has the generic form {@code fake://[authority]/<any path>}; the path is kept as
 * written. Targets are told apart by their canonical text ({@code fake:///web.shop:grpc} and {@code
 * fake:///web.shop:http} are two). A target can be driven before or after a watch starts: a
 * resolver that starts gets the target's last result at once. Thread-safe.
 *
 * @since 0.1
 */
public final class FakeResolver implements ResolverProvider {
  /** The scheme of every fake target. */
  public static final String SCHEME = "fake";

  private final ConcurrentHashMap<String, FakeTarget> targets = new ConcurrentHashMap<>();

  private FakeResolver() {}

  /** A provider with no targets yet. */
  public static FakeResolver create() {
    return new FakeResolver();
  }

  /** {@value #SCHEME}. */
  @Override
  public String scheme() {
    return SCHEME;
  }

  /**
   * The handle of {@code target} (created on first use).
   *
   * @throws IllegalArgumentException if it does not parse or is not a {@code fake:} target
   */
  public FakeTarget target(String target) {
    return target(parse(Objects.requireNonNull(target, "target")));
  }

  /**
   * The handle of {@code target} (created on first use).
   *
   * @throws IllegalArgumentException if it is not a {@code fake:} target
   */
  public FakeTarget target(Target target) {
    Objects.requireNonNull(target, "target");
    if (!SCHEME.equals(target.scheme())) {
      throw new IllegalArgumentException(
          "target: " + target + " (expected: a fake:/// target such as fake:///web.shop:grpc)");
    }
    return targets.computeIfAbsent(target.toString(), k -> new FakeTarget(target));
  }

  /** Every target used so far, by text. */
  public List<FakeTarget> targets() {
    return targets.values().stream()
        .sorted(java.util.Comparator.comparing(t -> t.target().toString()))
        .toList();
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    return target(target).newResolver(context);
  }

  @Override
  public String toString() {
    return "FakeResolver" + targets.keySet();
  }
}
