package dev.discovery.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers that build endpoints from text. */
final class Endpoints {
  private Endpoints() {}

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static Endpoint ready(String ip, int port) {
    return Endpoint.of(ip(ip), port);
  }

  /** {@code n} distinct random IPv4 endpoints (data only: never dialled). */
  static List<Endpoint> random(Random random, int n) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    List<Endpoint> out = new ArrayList<>(n);
    while (out.size() < n) {
      int v = random.nextInt();
      if (seen.add(v)) {
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
          out.add(Endpoint.of(InetAddress.getByAddress(b), 8080));
        } catch (UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  static EndpointSet set(Endpoint... endpoints) {
    return EndpointSet.builder(ServiceKind.HEADLESS, Source.of("test"))
        .addAll(List.of(endpoints))
        .build();
  }
}
