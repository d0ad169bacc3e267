package dev.discovery.testkit.internal;

import dev.discovery.api.internal.DiscoveryThreads;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP and TCP sockets of a DNS server, on one port of one or more loopback addresses, with a
 * receiving thread per UDP socket, one thread answering the UDP requests in the order they came, an
 * accepting thread per TCP socket, and TCP connections served on a given pool. A receiving thread
 * only queues what it reads, so a burst of requests waits in memory instead of overflowing the
 * socket's buffer (where the kernel would drop it). TCP messages carry the 2-byte length prefix of
 * RFC 1035 §4.2.2; the messages themselves are the handler's (dnsjava's wire format).
 */
public final class DnsSockets implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsSockets.class);
  private static final int TCP_IDLE_MILLIS = 30_000;
  private static final int BIND_ATTEMPTS = 50;
  // Room for thousands of queries sent at once while the receiving thread waits for a core (the
  // kernel caps it at net.core.rmem_max).
  private static final int UDP_RECEIVE_BUFFER = 4 << 20;

  /** Handles one request; must not block for long. */
  @FunctionalInterface
  public interface Handler {
    void handle(byte[] request, boolean tcp, Reply reply);
  }

  /** Where the answer to one request goes. Either method may be called from any thread, once. */
  public interface Reply {
    /** Sends a whole DNS message. */
    void send(byte[] message);

    /** Sends nothing (over TCP: closes the connection). */
    void drop();
  }

  private final int port;
  private final List<DatagramSocket> udp;
  private final List<ServerSocket> tcp;
  private final List<Thread> threads = new ArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Handler handler;
  private final ExecutorService tcpWorkers;
  private final ExecutorService udpAnswers;
  private volatile boolean closed;

  private DnsSockets(
      int port,
      List<DatagramSocket> udp,
      List<ServerSocket> tcp,
      Handler handler,
      ExecutorService tcpWorkers) {
    this.port = port;
    this.udp = udp;
    this.tcp = tcp;
    this.handler = handler;
    this.tcpWorkers = tcpWorkers;
    this.udpAnswers =
        Executors.newSingleThreadExecutor(
            DiscoveryThreads.factory("discovery-testkit-dns-udp-" + port + "-answers"));
  }

  /**
   * Binds UDP and TCP on {@code port} of every host ({@code port} 0: a free port, the same for all)
   * and starts serving.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  public static DnsSockets start(
      List<InetAddress> hosts, int port, Handler handler, ExecutorService tcpWorkers) {
    IOException last = null;
    for (int attempt = 0; attempt < (port == 0 ? BIND_ATTEMPTS : 1); attempt++) {
      List<DatagramSocket> udp = new ArrayList<>();
      List<ServerSocket> tcp = new ArrayList<>();
      try {
        int p = port;
        for (InetAddress host : hosts) {
          DatagramSocket d = new DatagramSocket(null);
          udp.add(d);
          d.setReceiveBufferSize(UDP_RECEIVE_BUFFER);
          d.bind(new InetSocketAddress(host, p));
          p = d.getLocalPort();
          ServerSocket s = new ServerSocket();
          tcp.add(s);
          s.setReuseAddress(true);
          s.bind(new InetSocketAddress(host, p), 64);
        }
        DnsSockets sockets = new DnsSockets(p, udp, tcp, handler, tcpWorkers);
        sockets.startThreads();
        return sockets;
      } catch (IOException e) {
        last = e;
        udp.forEach(DatagramSocket::close);
        tcp.forEach(DnsSockets::closeQuietly);
      }
    }
    throw new IllegalStateException(
        "DNS server port: "
            + (port == 0
                ? "no free port after " + BIND_ATTEMPTS + " attempts"
                : port + " on " + hosts)
            + " could not be bound: "
            + last.getMessage()
            + " (expected: a free UDP and TCP port on loopback)",
        last);
  }

  private void startThreads() {
    for (DatagramSocket d : udp) {
      Thread t =
          DiscoveryThreads.factory("discovery-testkit-dns-udp-" + port)
              .newThread(() -> serveUdp(d));
      threads.add(t);
      t.start();
    }
    for (ServerSocket s : tcp) {
      Thread t =
          DiscoveryThreads.factory("discovery-testkit-dns-tcp-accept-" + port)
              .newThread(() -> accept(s));
      threads.add(t);
      t.start();
    }
  }

  /** The port, the same on every address and both transports. */
  public int port() {
    return port;
  }

  private void serveUdp(DatagramSocket socket) {
    byte[] buf = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          log.warn("DNS UDP socket on port {} failed", port, e);
        }
        return;
      }
      byte[] request = Arrays.copyOf(packet.getData(), packet.getLength());
      SocketAddress from = packet.getSocketAddress();
      Reply reply =
          new Reply() {
            @Override
            public void send(byte[] message) {
              try {
                socket.send(new DatagramPacket(message, message.length, from));
              } catch (IOException e) {
                log.debug("DNS UDP answer to {} not sent: {}", from, e.toString());
              }
            }

            @Override
            public void drop() {}
          };
      try {
        udpAnswers.execute(() -> dispatch(request, false, reply));
      } catch (RejectedExecutionException e) {
        return; // closed
      }
    }
  }

  private void accept(ServerSocket server) {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("DNS TCP socket on port {} failed", port, e);
        }
        return;
      }
      connections.add(socket);
      if (closed) {
        closeQuietly(socket);
        return;
      }
      try {
        tcpWorkers.execute(() -> serveTcp(socket));
      } catch (RejectedExecutionException e) {
        closeQuietly(socket);
        return;
      }
    }
  }

  private void serveTcp(Socket socket) {
    try (socket) {
      socket.setSoTimeout(TCP_IDLE_MILLIS);
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      while (!closed) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException | SocketException e) {
          return; // the client closed, or we did
        }
        byte[] request = new byte[length];
        in.readFully(request);
        dispatch(
            request,
            true,
            new Reply() {
              @Override
              public void send(byte[] message) {
                synchronized (out) {
                  try {
                    out.writeShort(message.length);
                    out.write(message);
                    out.flush();
                  } catch (IOException e) {
                    log.debug("DNS TCP answer not sent: {}", e.toString());
                  }
                }
              }

              @Override
              public void drop() {
                closeQuietly(socket);
              }
            });
      }
    } catch (IOException e) {
      log.debug("DNS TCP connection ended: {}", e.toString());
    } finally {
      connections.remove(socket);
    }
  }

  private void dispatch(byte[] request, boolean tcp, Reply reply) {
    try {
      handler.handle(request, tcp, reply);
    } catch (RuntimeException e) {
      log.warn("DNS request handler failed; no answer sent", e);
    }
  }

  /** Closes every socket and waits (up to 5 s each) for the threads to end. Idempotent. */
  @Override
  public void close() {
    closed = true;
    udp.forEach(DatagramSocket::close);
    tcp.forEach(DnsSockets::closeQuietly);
    connections.forEach(DnsSockets::closeQuietly);
    udpAnswers.shutdownNow();
    try {
      for (Thread t : threads) {
        t.join(5000);
      }
      udpAnswers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("close failed: {}", e.toString());
    }
  }
}
