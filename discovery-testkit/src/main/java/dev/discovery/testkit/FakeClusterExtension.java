package dev.discovery.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that gives each test a fresh {@link FakeCluster} and a running {@link
 * FakeDnsServer} serving it, and, when the test asks for one, a {@link FakeApiServer} serving the
 * same cluster; it closes them after the test. Works with JUnit 5.10 and later, JUnit 6 included
 * (it uses no API newer than 5.10).
 *
 * <pre>{@code
 * @ExtendWith(FakeClusterExtension.class)
 * class WebTest {
 *   FakeCluster cluster;     // injected before each test (when null)
 *   FakeDnsServer dns;
 *   FakeApiServer api;       // started only for classes and tests that ask for it
 *
 *   @Test
 *   void resolves(FakeCluster sameCluster, FakeDnsServer sameDns) { ... }
 * }
 *
 * // Configured:
 * @RegisterExtension
 * static FakeClusterExtension k8s =
 *     FakeClusterExtension.builder().cluster(b -> b.zone("example.local")).dns(b -> b.ttl(Duration.ofSeconds(1)))
 *         .api(b -> b.bookmarkInterval(Duration.ofSeconds(1))).build();
 * }</pre>
 *
 * <ul>
 *   <li>Parameters of type {@link FakeCluster}, {@link FakeDnsServer} or {@link FakeApiServer} of
 *       test, {@code BeforeEach} and {@code AfterEach} methods get the test's pair. Constructor and
 *       {@code BeforeAll} parameters get a pair for the test class (or, when JUnit resolves them in
 *       a test's scope, that test's), closed after the class.
 *   <li>Before each test, non-static, non-final fields of those types whose value is {@code null}
 *       (or a pair this extension made earlier, as with {@code @TestInstance(PER_CLASS)}) are set
 *       to the test's pair, in the test class, its superclasses and the enclosing instances of
 *       {@code @Nested} classes. Fields the test set itself are left alone.
 *   <li>The {@link FakeApiServer} is started the first time a field or parameter asks for it in a
 *       test's (or class's) scope, on the same cluster as the DNS server, and closed with them.
 * </ul>
 *
 * @since 0.1
 */
public final class FakeClusterExtension
    implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeClusterExtension.class);
  private static final Set<Object> CREATED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private final Consumer<FakeCluster.Builder> clusterSettings;
  private final Consumer<FakeDnsServer.Builder> dnsSettings;
  private final Consumer<FakeApiServer.Builder> apiSettings;

  /** The extension with the defaults: zone {@code cluster.local}, TTL 5 s. */
  public FakeClusterExtension() {
    this(builder());
  }

  private FakeClusterExtension(Builder b) {
    this.clusterSettings = b.clusterSettings;
    this.dnsSettings = b.dnsSettings;
    this.apiSettings = b.apiSettings;
  }

  /** A builder to configure the cluster and the DNS server each test gets. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeCluster.class || type == FakeDnsServer.class || type == FakeApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return pair(context).of(parameter.getParameter().getType());
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    Pair pair = pair(context);
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> c = instance.getClass();
          c != null && c != Object.class;
          c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          inject(instance, f, pair);
        }
      }
    }
  }

  private static void inject(Object instance, Field f, Pair pair) throws IllegalAccessException {
    int modifiers = f.getModifiers();
    Class<?> type = f.getType();
    if ((type != FakeCluster.class && type != FakeDnsServer.class && type != FakeApiServer.class)
        || Modifier.isStatic(modifiers)
        || Modifier.isFinal(modifiers)) {
      return;
    }
    f.setAccessible(true);
    Object current = f.get(instance);
    if (current == null || CREATED.contains(current)) {
      f.set(instance, pair.of(type));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closePair(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closePair(context);
  }

  private Pair pair(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    String key = context.getUniqueId();
    Pair pair = store.get(key, Pair.class);
    if (pair == null) {
      FakeCluster.Builder cb = FakeCluster.builder();
      clusterSettings.accept(cb);
      FakeCluster cluster = cb.build();
      FakeDnsServer.Builder db = FakeDnsServer.builder(cluster);
      dnsSettings.accept(db);
      pair = new Pair(cluster, db.start(), apiSettings);
      CREATED.add(pair.cluster);
      CREATED.add(pair.dns);
      store.put(key, pair);
    }
    return pair;
  }

  private static void closePair(ExtensionContext context) {
    Pair pair = context.getStore(NAMESPACE).remove(context.getUniqueId(), Pair.class);
    if (pair != null) {
      pair.close();
    }
  }

  /**
   * A cluster, the DNS server serving it and the API server started on demand. Not AutoCloseable:
   * this extension closes it.
   */
  private static final class Pair {
    final FakeCluster cluster;
    final FakeDnsServer dns;
    private final Consumer<FakeApiServer.Builder> apiSettings;
    private FakeApiServer api; // guarded by this

    Pair(FakeCluster cluster, FakeDnsServer dns, Consumer<FakeApiServer.Builder> apiSettings) {
      this.cluster = cluster;
      this.dns = dns;
      this.apiSettings = apiSettings;
    }

    Object of(Class<?> type) {
      if (type == FakeCluster.class) {
        return cluster;
      }
      return type == FakeDnsServer.class ? dns : api();
    }

    synchronized FakeApiServer api() {
      if (api == null) {
        FakeApiServer.Builder b = FakeApiServer.builder(cluster);
        apiSettings.accept(b);
        api = b.start();
        CREATED.add(api);
      }
      return api;
    }

    synchronized void close() {
      if (api != null) {
        api.close();
      }
      dns.close();
    }
  }

  /** Builds a {@link FakeClusterExtension}. */
  public static final class Builder {
    private Consumer<FakeCluster.Builder> clusterSettings = b -> {};
    private Consumer<FakeDnsServer.Builder> dnsSettings = b -> {};
    private Consumer<FakeApiServer.Builder> apiSettings = b -> {};

    private Builder() {}

    /** Applies {@code settings} to each test's cluster builder (zone, address pools...). */
    public Builder cluster(Consumer<FakeCluster.Builder> settings) {
      this.clusterSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Applies {@code settings} to each test's DNS server builder (TTL, IPv6...). */
    public Builder dns(Consumer<FakeDnsServer.Builder> settings) {
      this.dnsSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Applies {@code settings} to each test's API server builder (bookmark interval, plain
     * HTTP...).
     */
    public Builder api(Consumer<FakeApiServer.Builder> settings) {
      this.apiSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public FakeClusterExtension build() {
      return new FakeClusterExtension(this);
    }
  }
}
