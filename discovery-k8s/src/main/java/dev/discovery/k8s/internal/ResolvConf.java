package dev.discovery.k8s.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.config.ResolvConfResolverConfigProvider;

/**
 * A resolv.conf's nameservers, search list and ndots, parsed by dnsjava from text the environment
 * supplied (never from the host's file directly).
 *
 * @param servers the nameservers, in order
 * @param search the search list, in order, absolute
 * @param ndots libc's ndots (default 1)
 */
public record ResolvConf(List<InetSocketAddress> servers, List<Name> search, int ndots) {
  public ResolvConf {
    servers = List.copyOf(servers);
    search = List.copyOf(search);
  }

  /** What a pod without resolv.conf would have: no servers, no search list, ndots 1. */
  public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), 1);

  /** Parses resolv.conf {@code text}. */
  public static ResolvConf parse(String text) {
    Parser p = new Parser();
    try {
      p.parse(text);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
    return new ResolvConf(p.servers(), p.searchPaths(), p.ndots());
  }

  /** dnsjava's resolv.conf parser, fed a string instead of /etc/resolv.conf. */
  private static final class Parser extends ResolvConfResolverConfigProvider {
    void parse(String text) throws IOException {
      parseResolvConf(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
