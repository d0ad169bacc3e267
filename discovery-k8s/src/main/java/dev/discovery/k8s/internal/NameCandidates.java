package dev.discovery.k8s.internal;

import dev.discovery.k8s.KubernetesTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The absolute names to ask for a target, in order, as libc's resolver would try them with the
 * pod's search list and ndots; with an explicit server, or a name already shaped {@code
 * <svc>.<ns>.svc.<zone>}, the full name first.
 */
final class NameCandidates {
  private NameCandidates() {}

  /** The full name {@code <svc>.<ns>.svc.<zone>.}, defaults applied. */
  static Name fullName(KubernetesTarget t, ClusterDefaults d) {
    String ns = t.namespace() != null ? t.namespace() : d.namespace();
    String zone = t.zone() != null ? t.zone() : d.zone();
    return name(t.service() + "." + ns + ".svc." + zone + ".");
  }

  static List<Name> of(KubernetesTarget t, ClusterDefaults d, boolean explicitServer) {
    String written = t.name();
    if (t.absolute()) {
      return List.of(name(written + "."));
    }
    Set<Name> out = new LinkedHashSet<>();
    Name full = fullName(t, d);
    boolean shapedFull = t.namespace() != null && t.svc() && t.zone() != null;
    if (explicitServer || shapedFull) {
      out.add(full);
    }
    Name relative = name(written);
    int dots = (int) written.chars().filter(c -> c == '.').count();
    List<Name> searched = new ArrayList<>();
    for (Name suffix : d.resolvConf().search()) {
      searched.add(concatenate(relative, suffix));
    }
    if (dots >= d.resolvConf().ndots()) {
      out.add(name(written + "."));
      out.addAll(searched);
    } else {
      out.addAll(searched);
      out.add(name(written + "."));
    }
    out.add(full); // a no-op when already there; else the last resort outside a pod
    return List.copyOf(out);
  }

  private static Name concatenate(Name prefix, Name suffix) {
    try {
      return Name.concatenate(prefix, suffix);
    } catch (org.xbill.DNS.NameTooLongException e) {
      return name(prefix + "." + suffix); // never reached for labels the target grammar allows
    }
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("name: \"" + text + "\" (expected: a DNS name)", e);
    }
  }
}
