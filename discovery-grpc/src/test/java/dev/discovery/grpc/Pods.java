package dev.discovery.grpc;

import io.grpc.Attributes;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fake pods: real gRPC servers (grpc-netty-shaded) on distinct loopback addresses {@code
 * 127.0.<subnet>.<n>}, all on one port, each answering {@link #WHO} with its own address. Linux
 * answers on all of 127/8, so each pod has an IP of its own, as in a cluster.
 */
final class Pods implements AutoCloseable {
  /** A unary method with a UTF-8 string marshaller: the answer names the pod that served it. */
  static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("discovery.test.Pod/Who")
          .setRequestMarshaller(Utf8.INSTANCE)
          .setResponseMarshaller(Utf8.INSTANCE)
          .build();

  private final int second; // 0: 127.0.<subnet>.<n>; else 127.<second>.*.*, 254 hosts a subnet
  private final int subnet;
  private final int port;
  private final List<Pod> pods = new ArrayList<>();
  private final AtomicInteger openTransports = new AtomicInteger();

  private Pods(int second, int subnet, int port) {
    this.second = second;
    this.subnet = subnet;
    this.port = port;
  }

  /**
   * Pods on {@code 127.0.<subnet>.*} and a port that is free there now; none is started yet.
   *
   * @param subnet 1..254, distinct per test class so sockets in TIME_WAIT never collide
   */
  static Pods on(int subnet) {
    return withFreePort(0, subnet);
  }

  /**
   * Pods on {@code 127.<second>.*.*}, up to 65024 of them ({@code 127.<second>.0.1} to {@code
   * .0.254}, then {@code .1.1}, ...), on a port that is free on the first now; none is started.
   *
   * @param second 1..255, distinct per test so sockets in TIME_WAIT never collide
   */
  static Pods range(int second) {
    if (second < 1 || second > 255) {
      throw new IllegalArgumentException("second: " + second + " (expected: 1..255)");
    }
    return withFreePort(second, 0);
  }

  private static Pods withFreePort(int second, int subnet) {
    Pods pods = new Pods(second, subnet, 0);
    try (ServerSocket probe = new ServerSocket(0, 1, pods.ip(1))) {
      return new Pods(second, subnet, probe.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The address of pod {@code n} (from 1). */
  private InetAddress ip(int n) {
    if (second == 0) {
      return ip(subnet, n);
    }
    int third = (n - 1) / 254;
    if (third > 255) {
      throw new IllegalStateException("pod " + n + " (expected: at most 65024 pods a range)");
    }
    try {
      return InetAddress.getByAddress(
          new byte[] {127, (byte) second, (byte) third, (byte) ((n - 1) % 254 + 1)});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Pods {@code 1..count}, started. */
  static Pods started(int subnet, int count) {
    for (int tries = 0; ; tries++) {
      Pods pods = on(subnet);
      try {
        for (int i = 0; i < count; i++) {
          pods.add().start();
        }
        return pods;
      } catch (UncheckedIOException e) {
        pods.close();
        if (!(e.getCause() instanceof BindException) || tries == 5) {
          throw e;
        }
      }
    }
  }

  static InetAddress ip(int subnet, int host) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) subnet, (byte) host});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** One more pod, {@code 127.0.<subnet>.<n+1>} (or the next of the range), not started. */
  synchronized Pod add() {
    Pod pod = new Pod(new InetSocketAddress(ip(pods.size() + 1), port));
    pods.add(pod);
    return pod;
  }

  synchronized Pod get(int index) {
    return pods.get(index);
  }

  synchronized List<Pod> all() {
    return List.copyOf(pods);
  }

  int port() {
    return port;
  }

  /** Connections that clients have open to any pod now. */
  int openTransports() {
    return openTransports.get();
  }

  /** {@code static:///} of the given pods. */
  static String staticTarget(List<Pod> pods) {
    StringBuilder b = new StringBuilder("static:///");
    for (int i = 0; i < pods.size(); i++) {
      b.append(i == 0 ? "" : ",").append(pods.get(i).name());
    }
    return b.toString();
  }

  @Override
  public synchronized void close() {
    for (Pod p : pods) {
      p.stop();
    }
  }

  /** One fake pod: a server that can be started, stopped and started again. */
  final class Pod {
    final InetSocketAddress address;
    final AtomicInteger served = new AtomicInteger();
    private final AtomicLong firstServed = new AtomicLong(); // System.nanoTime(), 0 until then
    private final AtomicInteger transports = new AtomicInteger();
    private Server server;

    Pod(InetSocketAddress address) {
      this.address = address;
    }

    /**
     * Connections that clients have open to this pod now: 0 once a channel that used it has shut
     * its subchannel down (grpc does that only after its balancer's picker has dropped the pod).
     */
    int openTransports() {
      return transports.get();
    }

    /** When it served its first call ({@link System#nanoTime()}), if it has. */
    OptionalLong firstServed() {
      long t = firstServed.get();
      return t == 0 ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /** {@code 127.0.3.1:41234}: what {@link #WHO} answers. */
    String name() {
      return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    synchronized Pod start() {
      if (server != null) {
        return this;
      }
      ServerServiceDefinition service =
          ServerServiceDefinition.builder("discovery.test.Pod")
              .addMethod(
                  WHO,
                  ServerCalls.asyncUnaryCall(
                      (request, response) -> {
                        if (served.getAndIncrement() == 0) {
                          firstServed.compareAndSet(0, Math.max(1, System.nanoTime()));
                        }
                        response.onNext(name());
                        response.onCompleted();
                      }))
              .build();
      Server s =
          NettyServerBuilder.forAddress(address)
              .directExecutor()
              .addService(service)
              .addTransportFilter(
                  new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                      openTransports.incrementAndGet();
                      transports.incrementAndGet();
                      return attributes;
                    }

                    @Override
                    public void transportTerminated(Attributes attributes) {
                      openTransports.decrementAndGet();
                      transports.decrementAndGet();
                    }
                  })
              .build();
      try {
        server = s.start();
      } catch (IOException e) {
        throw new UncheckedIOException("pod " + name() + " could not start", e);
      }
      return this;
    }

    /**
     * Stops gracefully, as a pod on SIGTERM: the server stops accepting connections and sends
     * GOAWAY on the open ones, lets calls in flight finish, and terminates once every connection
     * has closed.
     *
     * @return how long that took (from shutdown to terminated)
     * @throws AssertionError if it has not terminated within {@code bound} (it is then stopped at
     *     once)
     */
    synchronized Duration drain(Duration bound) throws InterruptedException {
      if (server == null) {
        return Duration.ZERO;
      }
      long start = System.nanoTime();
      server.shutdown();
      boolean terminated = server.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (!terminated) {
        stop();
        throw new AssertionError(
            "pod " + name() + ": still draining after " + bound + " (expected: terminated)");
      }
      server = null;
      return took;
    }

    /** Stops at once, failing calls in flight, as a pod that dies. */
    synchronized void stop() {
      if (server == null) {
        return;
      }
      server.shutdownNow();
      try {
        server.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** UTF-8 strings on the wire. */
  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
