package dev.discovery.grpc;

import dev.discovery.api.Discovery;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Channels and calls of the end-to-end tests. */
final class Calls {
  static final Metadata.Key<String> SESSION =
      Metadata.Key.of("x-session-id", Metadata.ASCII_STRING_MARSHALLER);

  private Calls() {}

  /** A channel to {@code target} resolved with {@code discovery} (or the shared one if null). */
  static ManagedChannelBuilder<?> builder(String target, Discovery discovery) {
    ManagedChannelBuilder<?> b =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());
    if (discovery != null) {
      b.setNameResolverArg(DiscoveryGrpc.DISCOVERY, discovery);
    }
    return b;
  }

  static ManagedChannel random(String target, Discovery discovery) {
    return builder(target, discovery).defaultLoadBalancingPolicy("random").build();
  }

  static ManagedChannel sticky(String target, Discovery discovery) {
    return builder(target, discovery)
        .defaultServiceConfig(StickyConfig.of("x-session-id").serviceConfig())
        .build();
  }

  /** The pod that answers a call. */
  static String who(Channel channel) {
    return ClientCalls.blockingUnaryCall(
        channel, Pods.WHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "who");
  }

  /**
   * A call without waiting: {@code answer} hears which pod answered, or the failure (a deadline of
   * a minute: generous for a loaded machine, bounded for a lost call).
   */
  static void whoAsync(Channel channel, StreamObserver<String> answer) {
    ClientCalls.asyncUnaryCall(
        channel.newCall(Pods.WHO, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
        "who",
        answer);
  }

  /** The pod that answers a call with session key {@code key}. */
  static String who(Channel channel, String key) {
    Metadata headers = new Metadata();
    headers.put(SESSION, key);
    return who(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  /** The pod that answers, or the failure's status code. */
  static String outcome(Channel channel) {
    try {
      return who(channel);
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().toString();
    }
  }

  static void shutdown(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Live threads the SDK started (the testkit's own servers excepted). */
  static Set<String> discoveryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("discovery-") && !n.startsWith("discovery-testkit-"))
        .collect(Collectors.toSet());
  }

  /** Pearson's chi-square statistic of {@code counts} against a uniform spread of {@code total}. */
  static double chiSquare(Map<String, Integer> counts, int categories, int total) {
    double expected = (double) total / categories;
    double chi = 0;
    for (int c : counts.values()) {
      chi += (c - expected) * (c - expected) / expected;
    }
    chi += (categories - counts.size()) * expected; // categories never hit
    return chi;
  }
}
