package dev.discovery.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.discovery.api.Balancer;
import dev.discovery.api.Discovery;
import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.WatchEvent;

/** README's Java quick start. */
public final class QuickStart {
  private QuickStart() {}

  /** Runs the quick start against {@code args[0]} (default {@code k8s:///web.shop:grpc}). */
  public static void main(String[] args) throws Exception {
    callWeb(args.length > 0 ? args[0] : "k8s:///web.shop:grpc", "session-42");
  }

  // snippet:quick-start
  static void callWeb(String target, String sessionId) throws Exception {
    try (Discovery discovery = Discovery.create(); // one per process
        ServiceWatch web = discovery.watch(target)) { // target: "k8s:///web.shop:grpc"
      EndpointSet now = web.first().toCompletableFuture().get(5, SECONDS); // fails fast, saying why
      System.out.println(now.summary()); // HEADLESS source=dns (...) revision=1 endpoints=3 ready=3

      Balancer random = web.balancer(Policies.random());
      Endpoint any = random.pick(); // never null: with nothing to pick it throws, saying why
      System.out.println("call " + any.hostPort()); // 10.1.2.3:50051

      Balancer sticky = web.balancer(Policies.sticky());
      Endpoint mine = sticky.pick(sessionId); // this key's pod, the same in every client process
      System.out.println("session " + sessionId + " on " + mine.hostPort());

      web.subscribe( // Changed, Failed, Recovered, in order
          event -> {
            if (event instanceof WatchEvent.Changed changed) {
              System.out.println("now " + changed.current().summary());
            }
          });
    }
  }
  // end-snippet
}
