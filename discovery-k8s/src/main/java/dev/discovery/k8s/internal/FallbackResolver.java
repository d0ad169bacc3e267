package dev.discovery.k8s.internal;

import dev.discovery.api.ResolutionError;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resolver that starts with a primary source and keeps it once it has given a snapshot, but
 * switches for good to a fallback when the primary's <em>first</em> answer is an error the
 * predicate accepts (the API forbids the list, or is not configured). Until the primary has
 * answered, its errors that do not qualify are passed on and it keeps retrying.
 *
 * <p>All state is touched on the resolver's serialized context only.
 */
final class FallbackResolver implements Resolver {
  private static final Logger log = LoggerFactory.getLogger(FallbackResolver.class);

  private final Resolver primary;
  private final Predicate<ResolutionError> fallBackOn;
  private final Function<ResolutionError, Resolver> fallback;
  private final Executor syncContext;
  private final String target;

  private Listener listener;
  private Resolver current;
  private boolean decided;
  private boolean closed;

  /**
   * @param fallback makes the fallback from the primary's error (which it may name in its source)
   * @param target what the user watched, for the one log line
   */
  FallbackResolver(
      Resolver primary,
      Predicate<ResolutionError> fallBackOn,
      Function<ResolutionError, Resolver> fallback,
      Executor syncContext,
      String target) {
    this.primary = primary;
    this.fallBackOn = fallBackOn;
    this.fallback = fallback;
    this.syncContext = syncContext;
    this.target = target;
    this.current = primary;
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    primary.start(result -> syncContext.execute(() -> onPrimary(result)));
  }

  private void onPrimary(ResolutionResult result) {
    if (closed || current != primary) {
      return;
    }
    if (!decided
        && result instanceof ResolutionResult.Failed failed
        && fallBackOn.test(failed.error())) {
      primary.close();
      current = fallback.apply(failed.error());
      decided = true;
      log.info("{}: source dns (the API source is not usable: {})", target, failed.error());
      current.start(listener);
      return;
    }
    if (result instanceof ResolutionResult.Resolved) {
      decided = true;
    }
    listener.onResult(result);
  }

  @Override
  public void refresh() {
    current.refresh();
  }

  @Override
  public void close() {
    closed = true;
    current.close();
  }

  @Override
  public String toString() {
    return "FallbackResolver[" + current + "]";
  }
}
