package dev.discovery.grpc;

import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pods as pods {@code web-<ip>} (label {@code app=web}, container port {@code grpc}) of a {@link
 * FakeCluster} selected by Service {@code web.shop}; the subclasses serve the cluster to channels
 * (DNS, the Kubernetes API). Besides {@link #publish}, a pod's life can be driven as Kubernetes
 * drives it: ready or not, terminating, deleted.
 */
abstract class ClusterDirectory implements PodDirectory {
  static final String NAMESPACE = "shop";

  final FakeCluster cluster = FakeCluster.create();

  /** {@code service}'s port {@code grpc} must target the container port named {@code grpc}. */
  ClusterDirectory(Service service) {
    cluster.apply(service);
  }

  /** The cluster's name of {@code pod}: {@code web-127-0-3-1}. */
  static String podName(Pods.Pod pod) {
    return "web-" + pod.address.getAddress().getHostAddress().replace('.', '-');
  }

  private static Pod clusterPod(Pods.Pod pod) {
    return Pod.builder(NAMESPACE, podName(pod))
        .ip(pod.address.getAddress())
        .label("app", "web")
        .containerPort("grpc", pod.address.getPort())
        .build();
  }

  /** The Service's pods are these, ready, from now on: others are deleted. */
  @Override
  public void publish(List<Pods.Pod> pods) {
    cluster.batch(
        m -> {
          Set<String> wanted = new HashSet<>();
          for (Pods.Pod p : pods) {
            wanted.add(podName(p));
            m.apply(clusterPod(p));
          }
          for (Pod p : cluster.pods(NAMESPACE)) {
            if (!wanted.contains(p.name())) {
              m.deletePod(NAMESPACE, p.name());
            }
          }
        });
  }

  /** One more ready pod: a scale-up. */
  void add(Pods.Pod pod) {
    cluster.apply(clusterPod(pod));
  }

  void setReady(Pods.Pod pod, boolean ready) {
    cluster.setReady(NAMESPACE, podName(pod), ready);
  }

  /** The pod's deletion has begun: not ready, still serving, terminating. */
  void startTerminating(Pods.Pod pod) {
    cluster.startTerminating(NAMESPACE, podName(pod));
  }

  void delete(Pods.Pod pod) {
    cluster.deletePod(NAMESPACE, podName(pod));
  }
}
