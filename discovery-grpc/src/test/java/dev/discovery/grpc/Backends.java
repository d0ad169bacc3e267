package dev.discovery.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real gRPC servers on {@code 127.0.<subnet>.<n>} (one port) that answer {@link Pods#WHO} with
 * their name, each after a delay the test sets, or with a failure status the test sets: the slow
 * and failing backends that traffic-aware policies must route around.
 */
final class Backends implements AutoCloseable {
  private final List<Backend> backends = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "backends-timer");
            t.setDaemon(true);
            return t;
          });

  private Backends() {}

  /** {@code count} backends on {@code 127.0.<subnet>.1..count}, started, answering at once. */
  static Backends started(int subnet, int count) {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, Pods.ip(subnet, 1))) {
      port = probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Backends b = new Backends();
    for (int i = 1; i <= count; i++) {
      b.backends.add(b.new Backend(new InetSocketAddress(Pods.ip(subnet, i), port)));
    }
    return b;
  }

  Backend get(int index) {
    return backends.get(index);
  }

  List<Backend> all() {
    return List.copyOf(backends);
  }

  /** {@code static:///} of every backend. */
  String staticTarget() {
    StringBuilder t = new StringBuilder("static:///");
    for (int i = 0; i < backends.size(); i++) {
      t.append(i == 0 ? "" : ",").append(backends.get(i).name());
    }
    return t.toString();
  }

  @Override
  public void close() {
    backends.forEach(Backend::close);
    timer.shutdownNow();
  }

  /** One server. */
  final class Backend {
    final InetSocketAddress address;
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile Status failure; // or null: answer
    private final Server server;

    Backend(InetSocketAddress address) {
      this.address = address;
      ServerServiceDefinition service =
          ServerServiceDefinition.builder("discovery.test.Pod")
              .addMethod(
                  Pods.WHO,
                  ServerCalls.asyncUnaryCall(
                      (request, response) -> {
                        Status f = failure;
                        if (f != null) {
                          failed.incrementAndGet();
                          response.onError(f.asRuntimeException());
                          return;
                        }
                        served.incrementAndGet();
                        Runnable answer =
                            () -> {
                              response.onNext(name());
                              response.onCompleted();
                            };
                        Duration d = delay;
                        if (d.isZero()) {
                          answer.run();
                        } else {
                          timer.schedule(answer, d.toNanos(), TimeUnit.NANOSECONDS);
                        }
                      }))
              .build();
      try {
        server =
            NettyServerBuilder.forAddress(address)
                .directExecutor()
                .addService(service)
                .build()
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("backend " + name() + " could not start", e);
      }
    }

    /** {@code 127.0.9.1:41234}: what it answers. */
    String name() {
      return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Answers after {@code d} from now on. */
    Backend delay(Duration d) {
      delay = d;
      return this;
    }

    /** Fails every call with {@code status} from now on, or answers again if {@code null}. */
    Backend failWith(Status status) {
      failure = status;
      return this;
    }

    /** Calls it received: answered or failed. */
    int calls() {
      return served.get() + failed.get();
    }

    void close() {
      server.shutdownNow();
      try {
        server.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
