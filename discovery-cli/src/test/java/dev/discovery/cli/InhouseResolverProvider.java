package dev.discovery.cli;

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
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A third party's resolver provider for the scheme {@code inhouse}, defined only in this test: the
 * integration test packs it in a jar of its own with a META-INF/services entry and puts that jar on
 * the CLI's class path. {@code inhouse:///ledger} is two fixed addresses (data, never dialled by
 * {@code resolve}); any other name is not found.
 */
public final class InhouseResolverProvider implements ResolverProvider {
  @Override
  public String scheme() {
    return "inhouse";
  }

  @Override
  public Resolver newResolver(Target target, ResolverContext context) {
    String name = ((UriTarget) target).path();
    return new Resolver() {
      @Override
      public void start(Listener listener) {
        if (!name.equals("ledger")) {
          listener.onResult(
              new ResolutionResult.Failed(ResolutionError.notFound("no service " + name)));
          return;
        }
        try {
          listener.onResult(
              new ResolutionResult.Resolved(
                  EndpointSet.builder(ServiceKind.UNKNOWN, Source.of("inhouse"))
                      .add(Endpoint.of(InetAddress.getByName("127.0.0.21"), 7001))
                      .add(Endpoint.of(InetAddress.getByName("127.0.0.22"), 7001))
                      .resolvedAt(context.clock().instant())
                      .build()));
        } catch (UnknownHostException e) {
          throw new AssertionError(e);
        }
      }

      @Override
      public void refresh() {}

      @Override
      public void close() {}
    };
  }
}
