package dev.discovery.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.discovery.api.Affinity;
import dev.discovery.api.Balancer;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.NoEndpointAvailableException;
import dev.discovery.api.Policies;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ResolutionException;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Subscription;
import dev.discovery.api.WatchEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** docs/java-api.md's snippets. */
public final class JavaApi {
  private JavaApi() {}

  // snippet:watch-events
  static Subscription printEvents(ServiceWatch web, PrintStream out) {
    return web.subscribe( // on the watch's own thread, in order; a listener that throws is logged
        event -> {
          if (event instanceof WatchEvent.Changed c) {
            out.println("changed: " + c.current().summary());
          } else if (event instanceof WatchEvent.Failed f) {
            out.println("failed: " + f.error() + " (last success " + f.staleness() + " ago)");
          } else if (event instanceof WatchEvent.Recovered r) {
            out.println("recovered: " + r.current().summary());
          }
        });
  }

  // end-snippet

  // snippet:first-snapshot
  static Optional<EndpointSet> firstSnapshot(ServiceWatch web) throws InterruptedException {
    try {
      return Optional.of(web.first().toCompletableFuture().get(5, SECONDS));
    } catch (ExecutionException e) { // failing now: the watch keeps trying in the background
      ResolutionError error = ((ResolutionException) e.getCause()).error();
      System.err.println(error.kind() + ": " + error.message()); // NOT_FOUND: no such Service ...
      return Optional.empty();
    } catch (TimeoutException e) { // no answer yet
      return Optional.empty();
    }
  }

  // end-snippet

  // snippet:pick-or-explain
  static Optional<Endpoint> pickOrExplain(Balancer balancer) {
    try {
      return Optional.of(balancer.pick());
    } catch (NoEndpointAvailableException e) {
      // no endpoints for k8s:///web.shop:grpc yet; last error: DNS server ... did not answer ...
      System.err.println(e.getMessage());
      return Optional.empty();
    }
  }

  // end-snippet

  static Balancer withAffinity(ServiceWatch web) {
    // snippet:sticky-affinity
    Balancer sessions = web.balancer(Policies.sticky(Affinity.of(Duration.ofMinutes(30))));
    // end-snippet
    return sessions;
  }

  /**
   * One request through {@code balancer}, reported to its policy: {@code send} says whether the
   * endpoint answered.
   */
  static Endpoint callOnce(Balancer balancer, java.util.function.Predicate<Endpoint> send) {
    // snippet:call-feedback
    try (Balancer.Call call = balancer.start()) { // or start(key)
      Endpoint e = call.endpoint();
      if (send.test(e)) { // send the request to e
        call.succeeded();
      } else {
        call.failed(); // or call.failed("UNAVAILABLE")
      }
      return e;
    } // closed without an outcome: reported as CANCELLED
    // end-snippet
  }
}
