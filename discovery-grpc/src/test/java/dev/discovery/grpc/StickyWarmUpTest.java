package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.discovery.api.Balancer;
import dev.discovery.api.Policies;
import dev.discovery.api.ServiceWatch;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sticky} through the Kubernetes API while a scale-up's new pods warm up: a key whose new
 * owner's connection is not READY yet stays on the pod it had (still present and READY) and moves
 * once, to its owner, when that connection is READY; it does not visit a third pod in between.
 *
 * <p>The new pods first accept TCP connections without answering (a connection that never turns
 * READY, as a server still starting), then become real servers.
 */
class StickyWarmUpTest {
  private static final int SUBNET = 200;
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final int KEYS = 400;

  private final ApiDirectory dir = new ApiDirectory("k8s+api");

  @AfterEach
  void close() {
    dir.close();
  }

  @Test
  void scaleUp_keysStayWhileTheirNewOwnerConnects_thenMoveOnce() throws Exception {
    try (Pods pods = Pods.started(SUBNET, 4);
        ServiceWatch watch = dir.discovery().watch(dir.target())) {
      List<Pods.Pod> old = pods.all();
      dir.publish(old);
      Balancer javaApi = watch.balancer(Policies.sticky());
      ManagedChannel channel = Calls.sticky(dir.target(), dir.discovery());
      try {
        Scenarios.awaitAnswersFrom(channel, old, BOUND);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
          keys.add("user-" + i);
        }
        Map<String, String> before = Scenarios.mapping(channel, keys);
        Map<String, List<String>> seen = new LinkedHashMap<>();
        before.forEach((k, pod) -> seen.put(k, new ArrayList<>(List.of(pod))));

        List<Pods.Pod> added = new ArrayList<>();
        List<Silent> silent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          Pods.Pod p = pods.add();
          added.add(p);
          silent.add(new Silent(p));
        }
        dir.publish(pods.all());
        // Every new pod's connection is open and not READY: the channel has the new endpoints.
        await().atMost(BOUND).until(() -> silent.stream().allMatch(s -> s.accepted.size() > 0));
        record(seen, Scenarios.mapping(channel, keys));
        record(seen, Scenarios.mapping(channel, keys));
        silent.forEach(Silent::close);
        added.forEach(Pods.Pod::start);
        Map<String, String> expected = Scenarios.mapping(javaApi, keys);
        await()
            .atMost(BOUND)
            .pollInterval(Duration.ofMillis(1))
            .until(() -> record(seen, Scenarios.mapping(channel, keys)).equals(expected));

        Map<String, List<String>> movedTwice = new TreeMap<>();
        int moved = 0;
        for (Map.Entry<String, List<String>> e : seen.entrySet()) {
          if (e.getValue().size() > 1) {
            moved++;
          }
          if (e.getValue().size() > 2) {
            movedTwice.put(e.getKey(), e.getValue());
          }
        }
        Scenarios.figures(
            dir,
            "sticky warm-up: 4 -> 8 pods, %d of %d keys moved, %d of them more than once",
            moved,
            KEYS,
            movedTwice.size());
        assertThat(moved).as("keys whose owner is a new pod").isPositive();
        assertThat(movedTwice.size())
            .as(
                "keys of %d moved that visited a third pod on their way (the first: %s)",
                moved, movedTwice.entrySet().stream().limit(3).toList())
            .isZero();
      } finally {
        Calls.shutdown(channel);
      }
    }
  }

  /** Appends each key's pod when it differs from the last one seen; returns {@code now}. */
  private static Map<String, String> record(
      Map<String, List<String>> seen, Map<String, String> now) {
    now.forEach(
        (k, pod) -> {
          List<String> pods = seen.get(k);
          if (!pods.get(pods.size() - 1).equals(pod)) {
            pods.add(pod);
          }
        });
    return now;
  }

  /** A pod that accepts connections and never answers: its clients' connections stay CONNECTING. */
  private static final class Silent implements AutoCloseable {
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final ServerSocket socket;
    private final Thread acceptor;

    Silent(Pods.Pod pod) {
      try {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(pod.address, 50);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(socket.accept());
                  }
                } catch (IOException closed) {
                  // closed
                }
              },
              "silent-" + pod.name());
      t.setDaemon(true);
      t.start();
      acceptor = t;
    }

    /**
     * Closes the listener, then, once its acceptor has ended, every connection it accepted: one
     * accepted while closing would otherwise stay open and keep the pod's address from its server
     * ("Address already in use").
     */
    @Override
    public void close() {
      try {
        socket.close();
        acceptor.join(Duration.ofSeconds(10).toMillis());
        assertThat(acceptor.isAlive()).as("the acceptor of %s ended", socket).isFalse();
        for (Socket s : accepted) {
          s.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
