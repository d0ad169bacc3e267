package dev.discovery.k8s.internal.api;

import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * What {@link ApiClient} needs from a connection to a Kubernetes API server: where it is, how to
 * trust it, what to authenticate with, and words for error messages that say where each came from
 * (never the secret itself).
 */
public interface ApiServerAccess {

  /** The server, as {@code https://10.96.0.1:443}; plain {@code http} only in tests. */
  URI server();

  /** Trust (the CA) and any client certificate; ignored for a plain {@code http} server. */
  SSLContext sslContext();

  /**
   * The {@code Authorization} header value for the next request ({@code Bearer ...}), or empty when
   * none is sent (a client certificate, or anonymous). Called before every request, off the
   * caller's thread; it may re-read a rotating token, and should cache it.
   */
  Supplier<Optional<String>> authorization();

  /**
   * Which credential is sent and from where, for a 401 message, as {@code the bearer token in
   * /var/run/secrets/kubernetes.io/serviceaccount/token}. Never the credential's value.
   */
  String credentialDescription();

  /**
   * Where this connection's settings came from, as {@code the pod's service account} or {@code
   * kubeconfig /home/me/.kube/config, context kind-kind}.
   */
  String originDescription();

  /**
   * Where the trusted CA came from, for a TLS failure, as {@code the CA in /var/run/.../ca.crt}.
   */
  String caDescription();
}
