package dev.discovery.grpc;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.api.Target;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import dev.discovery.spi.ResolverContext;
import dev.discovery.spi.ResolverProvider;
import dev.discovery.spi.UriTarget;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A third party's resolver provider, defined only in this test and found by {@link
 * java.util.ServiceLoader} (META-INF/services): the scheme {@code inhouse}, an in-house registry of
 * named services. It parses its own grammar ({@code inhouse:///<name>}, a name of a-z) and reads
 * its registry from {@link #DIRECTORY}.
 */
public final class InhouseResolverProvider implements ResolverProvider {
  /** The in-house registry: service name to addresses. */
  static final Map<String, List<InetSocketAddress>> DIRECTORY = new ConcurrentHashMap<>();

  @Override
  public String scheme() {
    return "inhouse";
  }

  @Override
  public Target parse(String target) {
    UriTarget t = UriTarget.parse(target);
    if (!t.authority().isEmpty() || !t.path().matches("[a-z]+")) {
      throw new IllegalArgumentException(
          "target: \"" + target + "\" (expected: inhouse:///<name of a-z>)");
    }
    return t;
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    String name = ((UriTarget) target).path();
    return new Resolver() {
      @Override
      public void start(Listener listener) {
        List<InetSocketAddress> addresses = DIRECTORY.get(name);
        if (addresses == null) {
          listener.onResult(
              new ResolutionResult.Failed(
                  ResolutionError.notFound(target + ": no service " + name + " in the registry")));
          return;
        }
        EndpointSet.Builder b = EndpointSet.builder(ServiceKind.UNKNOWN, Source.of("inhouse"));
        addresses.forEach(a -> b.add(Endpoint.of(a.getAddress(), a.getPort())));
        listener.onResult(
            new ResolutionResult.Resolved(b.resolvedAt(context.clock().instant()).build()));
      }

      @Override
      public void refresh() {}

      @Override
      public void close() {}
    };
  }
}
