package dev.discovery.k8s.internal;

import dev.discovery.api.EndpointSet;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What one resolution found, for the refresh loop ({@link DnsResolver}) to act on. A failed
 * resolution is no outcome: it completes exceptionally with a {@link DnsException}.
 */
sealed interface DnsOutcome {

  /** The name's endpoints (possibly none, when its records held no address). */
  record Found(EndpointSet set) implements DnsOutcome {}

  /**
   * No endpoints: every candidate answered NXDOMAIN ({@code nxdomain}), or the name answered
   * without addresses.
   *
   * @param asked the names that said so
   * @param negativeTtl how long the server said to remember it, or {@code null}
   */
  record Gone(boolean nxdomain, List<Name> asked, Duration negativeTtl) implements DnsOutcome {
    public Gone {
      asked = List.copyOf(asked);
    }
  }
}
