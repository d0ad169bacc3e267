package dev.discovery.k8s.internal;

import dev.discovery.k8s.KubernetesTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The absolute names to ask for a target, in order, as libc's resolver would try them with the
 * pod's search list and ndots; with an explicit server, or a name already shaped {@code
 * <svc>.<ns>.svc.<zone>}, the full name first. A search-list name longer than DNS allows (255
 * bytes) is left out, as musl's resolver does; a full name that long is a misconfiguration.
 */
final class NameCandidates {
  private NameCandidates() {}

  /**
   * The full name {@code <svc>.<ns>.svc.<zone>.}, defaults applied.
   *
   * @throws IllegalArgumentException if it is longer than DNS allows
   */
  static Name fullName(KubernetesTarget t, ClusterDefaults d) {
    String ns = t.namespace() != null ? t.namespace() : d.namespace();
    return DnsNames.parse(t.service() + "." + ns + ".svc." + zoneText(t, d) + ".");
  }

  /** The cluster zone the target's names live under, defaults applied. */
  static Name zone(KubernetesTarget t, ClusterDefaults d) {
    return DnsNames.parse(zoneText(t, d) + ".");
  }

  private static String zoneText(KubernetesTarget t, ClusterDefaults d) {
    return t.zone() != null ? t.zone() : d.zone();
  }

  /**
   * @throws IllegalArgumentException if the full name or the name as written is longer than DNS
   *     allows
   */
  static List<Name> of(KubernetesTarget t, ClusterDefaults d, boolean explicitServer) {
    String written = t.name();
    if (t.absolute()) {
      return List.of(DnsNames.parse(written + "."));
    }
    Set<Name> out = new LinkedHashSet<>();
    Name full = fullName(t, d);
    boolean shapedFull = t.namespace() != null && t.svc() && t.zone() != null;
    if (explicitServer || shapedFull) {
      out.add(full);
    }
    Name bare = DnsNames.parse(written + ".");
    Name relative = Name.fromConstantString(written); // parses: the bare name did
    int dots = (int) written.chars().filter(c -> c == '.').count();
    List<Name> searched = new ArrayList<>();
    for (Name suffix : d.resolvConf().search()) {
      Name candidate = DnsNames.under(relative, suffix);
      if (candidate != null) {
        searched.add(candidate);
      }
    }
    if (dots >= d.resolvConf().ndots()) {
      out.add(bare);
      out.addAll(searched);
    } else {
      out.addAll(searched);
      out.add(bare);
    }
    out.add(full); // a no-op when already there; else the last resort outside a pod
    return List.copyOf(out);
  }
}
