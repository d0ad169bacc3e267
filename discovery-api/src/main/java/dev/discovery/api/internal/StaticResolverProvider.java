package dev.discovery.api.internal;

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
import dev.discovery.spi.Resolvers;
import java.net.InetSocketAddress;

/** {@code static:///10.0.0.1:80,[::1]:80}: a fixed list, reported once. */
public final class StaticResolverProvider implements ResolverProvider {
  @Override
  public String scheme() {
    return StaticTarget.SCHEME;
  }

  @Override
  public Target parse(String target) {
    return StaticTarget.parse(target);
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    if (!(target instanceof StaticTarget st)) {
      return Resolvers.failing(
          ResolutionError.misconfigured(
              "target "
                  + target
                  + " is not a static address list (expected: static:///<ip>:<port>,...)"));
    }
    EndpointSet.Builder b = EndpointSet.builder(ServiceKind.STATIC, Source.of("static"));
    for (InetSocketAddress a : st.addresses()) {
      b.add(Endpoint.of(a.getAddress(), a.getPort()));
    }
    return new Resolver() {
      @Override
      public void start(Listener listener) {
        listener.onResult(
            new ResolutionResult.Resolved(b.resolvedAt(context.clock().instant()).build()));
      }

      @Override
      public void refresh() {}

      @Override
      public void close() {}

      @Override
      public String toString() {
        return "StaticResolver[" + st + "]";
      }
    };
  }
}
