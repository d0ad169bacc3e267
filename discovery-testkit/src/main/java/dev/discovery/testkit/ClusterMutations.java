package dev.discovery.testkit;

import java.util.List;
import java.util.Map;

/**
 * The changes a test makes to a {@link FakeCluster}. On the cluster itself each call is atomic; in
 * {@link FakeCluster#batch} all calls together are. Every call validates first and refuses bad
 * input with an {@link IllegalArgumentException} naming the field and what was expected, leaving
 * the cluster unchanged.
 *
 * <p>Objects are applied whole ("create or replace", like {@code kubectl apply} of a full
 * manifest); fields left empty are allocated (IPs, node ports) or kept from the object being
 * replaced. A namespace is created when something is applied to it.
 *
 * @since 0.1
 */
public interface ClusterMutations {

  /** Creates namespace {@code name} if it does not exist. */
  Namespace createNamespace(String name);

  /** Creates or replaces a node; returns it as stored (with its allocated address). */
  Node apply(Node node);

  /**
   * Creates or replaces a pod; returns it as stored (with its allocated IP).
   *
   * @throws IllegalArgumentException if its node does not exist or its IP is used by another object
   */
  Pod apply(Pod pod);

  /**
   * Creates or replaces a Service; returns it as stored, with its ClusterIP, node ports and load
   * balancer ingress allocated when not given (a replaced Service keeps its own).
   *
   * @throws IllegalArgumentException if a node port is outside the cluster's range or taken, or a
   *     ClusterIP is used by another object
   */
  Service apply(Service service);

  /**
   * Creates or replaces a hand-made EndpointSlice, as a user or another controller writes one to
   * the API: it names its Service by its {@value EndpointSlice#SERVICE_NAME_LABEL} label (the
   * Service need not exist nor have a selector) and may list endpoints other slices list too. The
   * cluster's controller leaves it alone. Returns it as stored, with its resource version.
   *
   * @throws IllegalArgumentException if it is managed by {@link EndpointSlice#CONTROLLER}, or its
   *     name is that of a slice the controller derived
   */
  EndpointSlice apply(EndpointSlice slice);

  /** Deletes a namespace and everything in it. */
  void deleteNamespace(String name);

  /** Deletes a node (its pods stay, as in Kubernetes until they are evicted). */
  void deleteNode(String name);

  /** Deletes a pod at once (for a graceful shutdown, call {@link #startTerminating} first). */
  void deletePod(String namespace, String name);

  /** Deletes a Service and its EndpointSlices. */
  void deleteService(String namespace, String name);

  /**
   * Deletes a hand-made EndpointSlice (the controller's slices go with their Service or its
   * selector).
   *
   * @throws IllegalArgumentException if there is no such slice, or the controller manages it
   */
  void deleteEndpointSlice(String namespace, String name);

  /** Sets a node's Ready condition. */
  Node setNodeReady(String name, boolean ready);

  /** Sets a pod's Ready condition. */
  Pod setReady(String namespace, String name, boolean ready);

  /** Marks a pod as terminating: its endpoints stay, not ready, serving while it is Ready. */
  Pod startTerminating(String namespace, String name);

  /** Replaces a pod's labels, which may move it in or out of Services. */
  Pod relabel(String namespace, String name, Map<String, String> labels);

  /**
   * Scales a set of pods named {@code <template name>-<ordinal>}, like a StatefulSet: ordinals
   * {@code 0..replicas-1} exist afterwards, missing ones are made from {@code template} (a fresh IP
   * each; when the template has a subdomain, each pod's hostname is its name), existing ones are
   * kept as they are, higher ordinals are deleted.
   *
   * @return the set's pods by ordinal
   */
  List<Pod> scale(Pod template, int replicas);

  /**
   * Scales the existing set {@code <prefix>-<ordinal>} of {@code namespace}, copying its lowest
   * ordinal (ready, not terminating) for new members.
   *
   * @throws IllegalArgumentException if replicas is positive and the set has no pod to copy
   */
  List<Pod> scale(String namespace, String prefix, int replicas);
}
