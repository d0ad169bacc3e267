package dev.discovery.examples;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real gRPC servers (grpc-netty-shaded) on the pods' loopback addresses, each answering {@link
 * #WHO} with its own address, so a test sees where each call went.
 */
final class PodServers implements AutoCloseable {
  static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("examples.Pod/Who")
          .setRequestMarshaller(Utf8.INSTANCE)
          .setResponseMarshaller(Utf8.INSTANCE)
          .build();

  private final List<Server> servers = new ArrayList<>();

  /** A port free on {@code ip} now, for pods that all listen on one port. */
  static int freePort(String ip) {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One server per address, started. */
  static PodServers start(List<InetSocketAddress> addresses) {
    PodServers pods = new PodServers();
    for (InetSocketAddress a : addresses) {
      String name = a.getAddress().getHostAddress() + ":" + a.getPort();
      ServerServiceDefinition who =
          ServerServiceDefinition.builder("examples.Pod")
              .addMethod(
                  WHO,
                  ServerCalls.asyncUnaryCall(
                      (request, response) -> {
                        response.onNext(name);
                        response.onCompleted();
                      }))
              .build();
      try {
        pods.servers.add(NettyServerBuilder.forAddress(a).addService(who).build().start());
      } catch (IOException e) {
        pods.close();
        throw new UncheckedIOException(e);
      }
    }
    return pods;
  }

  /** Which pod answered a call on {@code channel} (at most 30 s). */
  static String who(Channel channel) {
    return ClientCalls.blockingUnaryCall(
        channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "");
  }

  /** Which pod answered a call carrying {@code header: value}. */
  static String who(Channel channel, String header, String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
    return who(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  @Override
  public void close() {
    servers.forEach(Server::shutdownNow);
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
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
