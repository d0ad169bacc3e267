package dev.discovery.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ResolutionError;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.Resolver;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackResolverTest {
  private final Scripted api = new Scripted("api");
  private final Scripted dns = new Scripted("dns");
  private final List<ResolutionError> fallbackCauses = new ArrayList<>();
  private final List<ResolutionResult> seen = new ArrayList<>();
  private final FallbackResolver resolver =
      new FallbackResolver(
          api,
          e -> e.kind() == ResolutionError.Kind.PERMISSION_DENIED,
          e -> {
            fallbackCauses.add(e);
            return dns;
          },
          Runnable::run,
          "k8s:///web.shop");

  @Test
  void aForbiddenFirstAnswer_switchesToTheFallbackForGood() {
    resolver.start(seen::add);
    ResolutionError forbidden =
        ResolutionError.permissionDenied("forbidden to list endpointslices");

    api.report(new ResolutionResult.Failed(forbidden));
    dns.report(resolved("dns", 1));
    api.report(resolved("api", 2)); // too late: the API resolver was closed

    assertThat(api.closed).isTrue();
    assertThat(dns.started).isTrue();
    assertThat(fallbackCauses).containsExactly(forbidden);
    assertThat(seen).containsExactly(resolved("dns", 1));
  }

  @Test
  void afterAFirstSnapshot_theSameErrorIsPassedOn_andThePrimaryKept() {
    resolver.start(seen::add);
    ResolutionResult forbidden =
        new ResolutionResult.Failed(ResolutionError.permissionDenied("RBAC changed"));

    api.report(resolved("api", 1));
    api.report(forbidden);
    resolver.refresh();

    assertThat(dns.started).isFalse();
    assertThat(api.closed).isFalse();
    assertThat(api.refreshes).isEqualTo(1);
    assertThat(seen).containsExactly(resolved("api", 1), forbidden);
  }

  @Test
  void errorsThatDoNotQualify_arePassedOn_andTheChoiceStaysOpen() {
    resolver.start(seen::add);
    ResolutionResult unavailable =
        new ResolutionResult.Failed(ResolutionError.unavailable("connection refused"));

    api.report(unavailable);
    api.report(new ResolutionResult.Failed(ResolutionError.permissionDenied("forbidden")));

    assertThat(seen).containsExactly(unavailable);
    assertThat(dns.started).isTrue();
  }

  @Test
  void close_closesWhicheverSourceIsCurrent() {
    resolver.start(seen::add);
    api.report(new ResolutionResult.Failed(ResolutionError.permissionDenied("forbidden")));

    resolver.close();
    api.report(resolved("api", 1));

    assertThat(dns.closed).isTrue();
    assertThat(seen).isEmpty();
  }

  private static ResolutionResult resolved(String source, int lastOctet) {
    try {
      return new ResolutionResult.Resolved(
          EndpointSet.builder(ServiceKind.HEADLESS, Source.of(source))
              .add(
                  Endpoint.of(
                      InetAddress.getByAddress(new byte[] {127, 0, 9, (byte) lastOctet}), 80))
              .resolvedAt(Instant.EPOCH)
              .build());
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A resolver the test makes answer. */
  private static final class Scripted implements Resolver {
    private final String name;
    private Listener listener;
    boolean started;
    boolean closed;
    int refreshes;

    Scripted(String name) {
      this.name = name;
    }

    void report(ResolutionResult result) {
      if (started && !closed) {
        listener.onResult(result);
      }
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
      started = true;
    }

    @Override
    public void refresh() {
      refreshes++;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
