package dev.discovery.testkit.internal;

import java.util.Map;

/**
 * The checks the Kubernetes API server makes of a list or watch's options before serving it, with
 * its messages ({@code field: Reason: detail}); they answer 422 Invalid.
 */
final class ListOptionsCheck {
  private ListOptionsCheck() {}

  /** The first problem with {@code query}, or null. */
  static String check(boolean watch, Map<String, String> query) {
    String match = query.getOrDefault("resourceVersionMatch", "");
    String rv = query.getOrDefault("resourceVersion", "");
    String initial = query.get("sendInitialEvents");
    boolean bookmarks =
        "true".equals(query.get("allowWatchBookmarks"))
            || "1".equals(query.get("allowWatchBookmarks"));
    if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
      return "resourceVersionMatch: Unsupported value: \""
          + match
          + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"";
    }
    if (initial != null) {
      if (!watch) {
        return "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list";
      }
      if (!match.equals("NotOlderThan")) {
        return "resourceVersionMatch: Forbidden: sendInitialEvents requires setting"
            + " resourceVersionMatch to NotOlderThan";
      }
      if (!bookmarks) {
        return "allowWatchBookmarks: Forbidden: sendInitialEvents requires setting"
            + " allowWatchBookmarks to true";
      }
      return null;
    }
    if (match.isEmpty()) {
      return null;
    }
    if (watch) {
      return "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless"
          + " sendInitialEvents is provided";
    }
    if (rv.isEmpty()) {
      return "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless"
          + " resourceVersion is provided";
    }
    if (match.equals("Exact") && rv.equals("0")) {
      return "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for"
          + " resourceVersion \"0\"";
    }
    return null;
  }
}
