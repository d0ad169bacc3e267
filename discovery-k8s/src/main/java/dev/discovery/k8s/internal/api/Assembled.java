package dev.discovery.k8s.internal.api;

import dev.discovery.api.ServiceKind;
import dev.discovery.spi.ResolutionResult;
import dev.discovery.spi.ServicePort;
import java.util.Objects;

/**
 * What {@link ServiceEndpoints#assemble} makes of a Service: a resolution result to report, or a
 * name the DNS source must resolve (an ExternalName Service's CNAME, or a load balancer that has
 * only host names).
 */
public sealed interface Assembled permits Assembled.Result, Assembled.DnsHandOver {

  /** A snapshot or an error, ready to report. */
  record Result(ResolutionResult result) implements Assembled {
    public Result {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * Resolve {@code hostname} through DNS instead.
   *
   * @param hostname the name to resolve
   * @param kind the kind the snapshot must say: EXTERNAL_NAME or LOAD_BALANCER
   * @param port the port to use with its addresses: the target's for an ExternalName Service (may
   *     be null), the Service port for a load balancer
   * @param reason one line for the snapshot's source, such as {@code ExternalName shop/db: CNAME to
   *     db.example.com}
   */
  record DnsHandOver(String hostname, ServiceKind kind, ServicePort port, String reason)
      implements Assembled {
    public DnsHandOver {
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
