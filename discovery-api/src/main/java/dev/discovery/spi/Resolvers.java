package dev.discovery.spi;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.Source;
import java.util.function.UnaryOperator;

/**
 * Small resolvers to compose in a {@link ResolverProvider}: one that reports a fixed error, one
 * that adds the reason a source was chosen to another's snapshots.
 *
 * @since 0.1
 */
public final class Resolvers {
  private Resolvers() {}

  /** The error for a scheme nobody serves, listing those installed. */
  public static ResolutionError noResolver(String scheme, ResolverRegistry registry) {
    return ResolutionError.misconfigured(
        "no resolver for scheme "
            + scheme
            + " (installed: "
            + (registry.schemes().isEmpty() ? "none" : String.join(", ", registry.schemes()))
            + ")");
  }

  /** A resolver that reports {@code error} once started, and again on each refresh. */
  public static Resolver failing(ResolutionError error) {
    return new Resolver() {
      private Listener listener;

      @Override
      public void start(Listener listener) {
        this.listener = listener;
        listener.onResult(new ResolutionResult.Failed(error));
      }

      @Override
      public void refresh() {
        if (listener != null) {
          listener.onResult(new ResolutionResult.Failed(error));
        }
      }

      @Override
      public void close() {
        listener = null;
      }

      @Override
      public String toString() {
        return "FailingResolver[" + error + "]";
      }
    };
  }

  /** {@code delegate} with every snapshot's source given {@code reason}. */
  public static Resolver withSourceReason(Resolver delegate, String reason) {
    return mapping(delegate, set -> set.withSource(withReason(set.source(), reason)));
  }

  private static Source withReason(Source source, String reason) {
    return source.reason().isEmpty() ? source.withReason(reason) : source;
  }

  /** {@code delegate} with every snapshot passed through {@code map}. */
  public static Resolver mapping(Resolver delegate, UnaryOperator<EndpointSet> map) {
    return new Resolver() {
      @Override
      public void start(Listener listener) {
        delegate.start(
            result ->
                listener.onResult(
                    result instanceof ResolutionResult.Resolved r
                        ? new ResolutionResult.Resolved(map.apply(r.endpoints()), r.changedAt())
                        : result));
      }

      @Override
      public void refresh() {
        delegate.refresh();
      }

      @Override
      public void close() {
        delegate.close();
      }

      @Override
      public String toString() {
        return delegate.toString();
      }
    };
  }
}
