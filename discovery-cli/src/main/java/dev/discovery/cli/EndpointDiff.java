package dev.discovery.cli;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed from one snapshot to the next: endpoints added, removed, and changed (same identity,
 * other attributes), plus the snapshot-level facts (kind, source, aliases) that changed.
 *
 * @param added endpoints only in the new snapshot, canonical order
 * @param removed endpoints only in the old snapshot, canonical order
 * @param changed endpoints in both with different attributes, canonical order
 * @param notes snapshot-level changes such as {@code kind HEADLESS -> CLUSTER_IP}
 */
record EndpointDiff(
    List<Endpoint> added, List<Endpoint> removed, List<Change> changed, List<String> notes) {

  /** One endpoint's before and after. */
  record Change(Endpoint before, Endpoint after) {}

  EndpointDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    notes = List.copyOf(notes);
  }

  /**
   * The difference from {@code before} ({@code null}: nothing before, all added) to {@code after}.
   */
  static EndpointDiff between(EndpointSet before, EndpointSet after) {
    Map<InetSocketAddress, Endpoint> old = new LinkedHashMap<>();
    if (before != null) {
      before.endpoints().forEach(e -> old.put(e.address(), e));
    }
    List<Endpoint> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    for (Endpoint e : after.endpoints()) {
      Endpoint was = old.remove(e.address());
      if (was == null) {
        added.add(e);
      } else if (!was.equals(e)) {
        changed.add(new Change(was, e));
      }
    }
    List<String> notes = new ArrayList<>();
    if (before != null) {
      if (before.kind() != after.kind()) {
        notes.add("kind " + before.kind() + " -> " + after.kind());
      }
      if (!before.source().equals(after.source())) {
        notes.add("source " + before.source() + " -> " + after.source());
      }
      if (!before.aliases().equals(after.aliases())) {
        notes.add("aliases " + before.aliases() + " -> " + after.aliases());
      }
    }
    return new EndpointDiff(added, List.copyOf(old.values()), changed, notes);
  }

  boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && notes.isEmpty();
  }

  /** {@code 2 added, 1 removed, 1 changed}, or {@code no endpoint changed}. */
  String summary() {
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add(added.size() + " added");
    }
    if (!removed.isEmpty()) {
      parts.add(removed.size() + " removed");
    }
    if (!changed.isEmpty()) {
      parts.add(changed.size() + " changed");
    }
    return parts.isEmpty() ? "no endpoint changed" : String.join(", ", parts);
  }

  /**
   * One line per difference: {@code + ...}, {@code - ...}, {@code ~ ... (ready -> terminating)};
   * endpoints that changed the same way share one line: {@code ~ web-0, web-1: srv.weight 33 -> 25}
   * (DNS gives every SRV record the weight 100/N, so a scale event changes them all).
   */
  List<String> lines() {
    List<String> out = new ArrayList<>(notes);
    added.forEach(e -> out.add("+ " + EndpointText.line(e)));
    removed.forEach(e -> out.add("- " + EndpointText.line(e)));
    Map<String, List<Change>> byChange = new LinkedHashMap<>();
    for (Change c : changed) {
      byChange
          .computeIfAbsent(EndpointText.change(c.before(), c.after()), k -> new ArrayList<>())
          .add(c);
    }
    byChange.forEach(
        (what, group) -> {
          if (group.size() == 1) {
            out.add("~ " + EndpointText.line(group.get(0).after()) + "  (" + what + ")");
          } else {
            List<String> names = new ArrayList<>();
            group.forEach(c -> names.add(EndpointText.name(c.after())));
            out.add("~ " + String.join(", ", names) + ": " + what);
          }
        });
    return out;
  }
}
