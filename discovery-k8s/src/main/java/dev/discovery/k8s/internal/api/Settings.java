package dev.discovery.k8s.internal.api;

/**
 * A connection as a source describes it, before anything is read or checked: what a kubeconfig
 * context, a pod's service account or the builder says. {@link ApiConnection.Builder} overlays its
 * explicit settings and turns the result into an {@link ApiConnection}.
 *
 * @param server the API server URL as written
 * @param serverSource where {@code server} is written, for messages
 * @param ca the CA to trust, or {@code null} for the JDK's default trust store
 * @param insecure whether the source asks to skip TLS verification
 * @param insecureSource where it asks, for the refusal
 * @param token a static bearer token, or {@code null}
 * @param tokenFile a file holding the bearer token, or {@code null} (wins over {@code token})
 * @param clientCertificate the client certificate, or {@code null}
 * @param clientKey its key, or {@code null}
 * @param exec a credential plugin, or {@code null}
 * @param namespace the default namespace
 * @param origin where the connection comes from, without the credential kind
 */
record Settings(
    String server,
    String serverSource,
    Material ca,
    boolean insecure,
    String insecureSource,
    Material token,
    Material tokenFile,
    Material clientCertificate,
    Material clientKey,
    ExecPlugin.Spec exec,
    String namespace,
    String origin) {

  static final String DEFAULT_NAMESPACE = "default";

  boolean hasCredential() {
    return token != null
        || tokenFile != null
        || clientCertificate != null
        || clientKey != null
        || exec != null;
  }
}
