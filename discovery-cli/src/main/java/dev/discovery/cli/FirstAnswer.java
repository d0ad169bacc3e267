package dev.discovery.cli;

import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ResolutionException;
import dev.discovery.api.ServiceWatch;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A watch's first outcome: its first good snapshot, or the error of its first failed attempt, or
 * {@code UNAVAILABLE} when nothing came within the deadline.
 *
 * @param set the snapshot, or {@code null} on error
 * @param error the error, or {@code null} on success
 */
record FirstAnswer(EndpointSet set, ResolutionError error) {

  static FirstAnswer await(ServiceWatch watch, Duration timeout) throws InterruptedException {
    try {
      return new FirstAnswer(
          watch.first().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ResolutionException r) {
        return new FirstAnswer(null, r.error());
      }
      throw new IllegalStateException("resolving " + watch.target() + " failed", e.getCause());
    } catch (TimeoutException e) {
      return new FirstAnswer(
          null,
          watch
              .lastError()
              .orElse(
                  ResolutionError.unavailable(
                      "no answer for "
                          + watch.target()
                          + " within "
                          + Durations.format(timeout)
                          + " (expected: a reachable source; raise --timeout to wait longer)")));
    }
  }

  /** The one line for stderr: {@code discovery: <target>: UNAVAILABLE: <message>}. */
  static String describe(String target, ResolutionError error) {
    return "discovery: " + target + ": " + error.kind() + ": " + error.message();
  }
}
