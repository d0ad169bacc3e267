package dev.discovery.grpc.internal;

import dev.discovery.api.Discovery;
import dev.discovery.api.Target;
import dev.discovery.grpc.DiscoveryGrpc;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.URI;
import java.util.Objects;

/**
 * Makes {@link DiscoveryNameResolver}s for one scheme. The subclasses with no-argument constructors
 * are what {@link java.util.ServiceLoader} finds, one per scheme.
 *
 * <p>A channel target is a {@link URI}; it is turned back into discovery's target grammar with its
 * path decoded, so an IPv6 address of a {@code static} target, whose brackets {@link URI} refuses,
 * can be written percent-encoded: {@code static:///%5B::1%5D:8080}.
 */
public class DiscoveryNameResolverProvider extends NameResolverProvider {
  /**
   * Below grpc's {@code dns} (5): these providers never become the default scheme of a registry
   * that has {@code dns}.
   */
  public static final int SERVICE_LOADER_PRIORITY = 4;

  /** Of providers made with a {@link Discovery}: wins over the {@link #SERVICE_LOADER_PRIORITY}. */
  public static final int CUSTOM_PRIORITY = 5;

  private final String scheme;
  private final int priority;
  private final Discovery discovery; // null: the shared one

  public DiscoveryNameResolverProvider(String scheme, int priority, Discovery discovery) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.priority = priority;
    this.discovery = discovery;
    // grpc makes its providers when a channel builder first asks for its name resolver registry,
    // before the channel looks up its default policy by name: so a discovery policy of your own is
    // a gRPC policy by then, with no call of yours. (The load-balancer registry is another
    // registry: no recursion.)
    PolicyRegistration.registerInDefaultRegistry();
  }

  /** For {@link java.util.ServiceLoader}: {@code scheme} on the shared discovery. */
  protected DiscoveryNameResolverProvider(String scheme) {
    this(scheme, SERVICE_LOADER_PRIORITY, null);
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return priority;
  }

  @Override
  public String getDefaultScheme() {
    return scheme;
  }

  /**
   * A resolver of {@code targetUri}, or {@code null} if its scheme is not this provider's.
   *
   * @throws IllegalArgumentException if the target does not parse (the channel builder's {@code
   *     build()} then throws it, with a message naming what is wrong and the form expected)
   */
  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!scheme.equals(targetUri.getScheme())) {
      return null;
    }
    Discovery d = args.getArg(DiscoveryGrpc.DISCOVERY);
    if (d == null) {
      d = discovery != null ? discovery : SharedDiscovery.INSTANCE;
    }
    Target target = d.registry().parse(text(targetUri));
    PolicyRegistration.registerInDefaultRegistry();
    return new DiscoveryNameResolver(
        target, d, args.getSynchronizationContext(), args.getChannelLogger());
  }

  /** The target as discovery's grammar writes it: the URI with its path decoded. */
  static String text(URI uri) {
    if (uri.isOpaque() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return uri.toString(); // Target.parse says what is wrong with it
    }
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    String path = uri.getPath() == null ? "" : uri.getPath();
    return uri.getScheme() + "://" + authority + path;
  }

  @Override
  public String toString() {
    return "DiscoveryNameResolverProvider["
        + scheme
        + ", priority "
        + priority
        + ", "
        + (discovery == null ? SharedDiscovery.INSTANCE : discovery)
        + "]";
  }
}
