package dev.discovery.k8s.internal.api;

import dev.discovery.api.Environment;
import java.nio.file.Path;

/**
 * The connection of a process in a pod: {@code
 * https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}, the service account's {@code token}
 * (re-read every minute: it rotates), {@code ca.crt} and {@code namespace}.
 */
final class InCluster {
  static final String HOST = "KUBERNETES_SERVICE_HOST";
  static final String PORT = "KUBERNETES_SERVICE_PORT";

  private InCluster() {}

  /** Whether {@code env} is a pod's (its API server variable is set). */
  static boolean detected(Environment env) {
    return env.variable(HOST).filter(s -> !s.isBlank()).isPresent();
  }

  static Settings load(Environment env, Path serviceAccountDir) throws ApiConfigException {
    String host = env.variable(HOST).map(String::strip).orElse("");
    if (host.isEmpty()) {
      throw new ApiConfigException(
          "in-cluster: " + HOST + " is not set (expected: running in a pod)");
    }
    String port = env.variable(PORT).map(String::strip).orElse("");
    if (!port.matches("[0-9]{1,5}")) {
      throw new ApiConfigException(
          "in-cluster: "
              + PORT
              + (port.isEmpty() ? " is not set" : "=" + port)
              + " (expected: the API server's port beside "
              + HOST
              + "="
              + host
              + ")");
    }
    String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    String namespace =
        env.file(serviceAccountDir.resolve("namespace"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .orElse(Settings.DEFAULT_NAMESPACE);
    return new Settings(
        "https://" + authority,
        "in-cluster " + HOST + "/" + PORT,
        Material.file("service-account CA", serviceAccountDir.resolve("ca.crt"), ""),
        false,
        null,
        null,
        Material.file("service-account token", serviceAccountDir.resolve("token"), ""),
        null,
        null,
        null,
        namespace,
        "in-cluster service account " + serviceAccountDir);
  }
}
