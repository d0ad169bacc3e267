package dev.discovery.k8s;

import dev.discovery.api.Endpoint;
import dev.discovery.api.ServiceKind;
import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.Pod;
import dev.discovery.testkit.Service;
import dev.discovery.testkit.ServiceType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What the churn suite believes one Service of a {@link FakeCluster} holds, and the mutations it
 * makes to it: pods {@code web-<ordinal>} of namespace {@code shop} behind Service {@code web}
 * (port {@code http}, target port name {@code http}). Every mutation keeps at least one pod that is
 * selected, ready and not terminating, at every moment (a delete and re-create leaves another one
 * ready in between), so a watch that reflects any state of the cluster has a ready endpoint.
 *
 * <p>The truth each source promises is derived from the model alone: the DNS source's (ready pod
 * addresses of a headless Service, the ClusterIP otherwise) and the API source's (every selected
 * pod with its conditions). {@link #checkAgainstCluster()} compares the model with the cluster.
 */
final class ChurnModel {
  static final String NAMESPACE = "shop";
  static final String SERVICE = "web";
  static final String PORT = "http";
  static final int MAX_PODS = 10;
  private static final Map<String, String> SELECTED = Map.of("app", "web");
  private static final Map<String, String> OUTSIDE = Map.of("app", "web-canary");
  private static final int[] CONTAINER_PORTS = {8080, 8081};
  private static final int[] SERVICE_PORTS = {80, 81};

  /** The kinds of mutation, each a change a cluster sees in real life, with its weight. */
  enum Mutation {
    SCALE_UP(3),
    SCALE_DOWN(3),
    UNREADY(3),
    READY(3),
    TERMINATING(2),
    RELABEL_OUT(2),
    RELABEL_IN(2),
    RECREATE(3),
    SERVICE_TYPE(1),
    SERVICE_PORT(1);

    private final int weight;

    Mutation(int weight) {
      this.weight = weight;
    }

    /** A kind drawn by weight. */
    static Mutation draw(Random random) {
      int total = 0;
      for (Mutation m : values()) {
        total += m.weight;
      }
      int r = random.nextInt(total);
      for (Mutation m : values()) {
        r -= m.weight;
        if (r < 0) {
          return m;
        }
      }
      throw new AssertionError(r);
    }
  }

  /** One pod as the model sees it. */
  record PodState(
      String name, InetAddress ip, boolean ready, boolean terminating, boolean selected, int port) {

    /** Selected, ready and not terminating: counted as ready by both sources. */
    boolean live() {
      return selected && ready && !terminating;
    }

    static PodState of(Pod pod) {
      return new PodState(
          pod.name(),
          pod.ip(),
          pod.ready(),
          pod.terminating(),
          pod.matches(SELECTED),
          pod.ports().get(0).port());
    }
  }

  private final FakeCluster cluster;
  private final Random random;
  private final TreeMap<String, PodState> pods = new TreeMap<>();
  private ServiceType type = ServiceType.CLUSTER_IP;
  private boolean headless = true;
  private int servicePort = SERVICE_PORTS[0];
  private InetAddress clusterIp;

  ChurnModel(FakeCluster cluster, Random random) {
    this.cluster = cluster;
    this.random = random;
  }

  /** Applies the Service (headless) and {@code replicas} ready pods. */
  void start(int replicas) {
    applyService();
    scale(replicas);
  }

  /**
   * Applies one mutation of {@code kind}, or none when it does not apply now (no unready pod to
   * make ready, or it would leave no ready pod).
   *
   * @return what was done, for failure messages, or empty
   */
  Optional<String> apply(Mutation kind) {
    return switch (kind) {
      case SCALE_UP -> {
        if (pods.size() >= MAX_PODS) {
          yield Optional.empty();
        }
        int to = Math.min(MAX_PODS, pods.size() + 1 + random.nextInt(3));
        scale(to);
        yield Optional.of("scale up to " + to);
      }
      case SCALE_DOWN -> {
        // Ordinals 0..size-1 exist; scaling to n removes ordinals n and up.
        int to = Math.max(1, pods.size() - 1 - random.nextInt(3));
        while (to < pods.size() && !keepsLive(removedByScale(to))) {
          to++;
        }
        if (to >= pods.size()) {
          yield Optional.empty();
        }
        scale(to);
        yield Optional.of("scale down to " + to);
      }
      case UNREADY ->
          pick(p -> p.ready() && keepsLive(q -> q == p))
              .map(
                  p -> {
                    update(cluster.setReady(NAMESPACE, p.name(), false));
                    return "unready " + p.name();
                  });
      case READY ->
          pick(p -> !p.ready() && !p.terminating())
              .map(
                  p -> {
                    update(cluster.setReady(NAMESPACE, p.name(), true));
                    return "ready " + p.name();
                  });
      case TERMINATING ->
          pick(p -> !p.terminating() && keepsLive(q -> q == p))
              .map(
                  p -> {
                    update(cluster.startTerminating(NAMESPACE, p.name()));
                    return "terminating " + p.name();
                  });
      case RELABEL_OUT ->
          pick(p -> p.selected() && keepsLive(q -> q == p))
              .map(
                  p -> {
                    update(cluster.relabel(NAMESPACE, p.name(), OUTSIDE));
                    return "relabel out " + p.name();
                  });
      case RELABEL_IN ->
          pick(p -> !p.selected())
              .map(
                  p -> {
                    update(cluster.relabel(NAMESPACE, p.name(), SELECTED));
                    return "relabel in " + p.name();
                  });
      case RECREATE ->
          pick(p -> keepsLive(q -> q == p))
              .map(
                  p -> {
                    // A rolling update: the pod goes, then comes back with a new IP, sometimes
                    // with the other container port.
                    cluster.deletePod(NAMESPACE, p.name());
                    pods.remove(p.name());
                    int port = random.nextBoolean() ? other(CONTAINER_PORTS, p.port()) : p.port();
                    update(cluster.apply(pod(p.name(), port).build()));
                    return "recreate " + p.name() + " on port " + port;
                  });
      case SERVICE_TYPE -> {
        ServiceType before = type;
        boolean wasHeadless = headless;
        do {
          int choice = random.nextInt(6);
          headless = choice < 3;
          type =
              switch (choice) {
                case 4 -> ServiceType.NODE_PORT;
                case 5 -> ServiceType.LOAD_BALANCER;
                default -> ServiceType.CLUSTER_IP;
              };
        } while (type == before && headless == wasHeadless);
        applyService();
        yield Optional.of("service type " + describeType());
      }
      case SERVICE_PORT -> {
        servicePort = other(SERVICE_PORTS, servicePort);
        applyService();
        yield Optional.of("service port " + servicePort);
      }
    };
  }

  private String describeType() {
    return headless ? "headless" : type.toString();
  }

  private static int other(int[] pair, int value) {
    return value == pair[0] ? pair[1] : pair[0];
  }

  /** The pods a scale to {@code replicas} deletes: ordinals {@code replicas} and up. */
  private static Predicate<PodState> removedByScale(int replicas) {
    return p -> Integer.parseInt(p.name().substring(p.name().lastIndexOf('-') + 1)) >= replicas;
  }

  /** Whether a live pod remains when the pods matching {@code removed} stop being live. */
  private boolean keepsLive(Predicate<PodState> removed) {
    return pods.values().stream().anyMatch(p -> p.live() && !removed.test(p));
  }

  private Optional<PodState> pick(Predicate<PodState> eligible) {
    List<PodState> candidates = pods.values().stream().filter(eligible).toList();
    return candidates.isEmpty()
        ? Optional.empty()
        : Optional.of(candidates.get(random.nextInt(candidates.size())));
  }

  private static Pod.Builder pod(String name, int port) {
    return Pod.builder(NAMESPACE, name).labels(SELECTED).containerPort(PORT, port);
  }

  private void scale(int replicas) {
    List<Pod> now = cluster.scale(pod(SERVICE, CONTAINER_PORTS[0]).build(), replicas);
    pods.clear();
    now.forEach(this::update);
  }

  private void update(Pod pod) {
    pods.put(pod.name(), PodState.of(pod));
  }

  private void applyService() {
    Service.Builder b =
        headless
            ? Service.headless(NAMESPACE, SERVICE)
            : switch (type) {
              case NODE_PORT -> Service.nodePort(NAMESPACE, SERVICE);
              case LOAD_BALANCER -> Service.loadBalancer(NAMESPACE, SERVICE);
              default -> Service.clusterIp(NAMESPACE, SERVICE);
            };
    Service stored = cluster.apply(b.selector(SELECTED).port(PORT, servicePort, PORT).build());
    clusterIp = stored.clusterIp();
  }

  /** How many pods are live (selected, ready, not terminating). */
  long livePods() {
    return pods.values().stream().filter(PodState::live).count();
  }

  /**
   * What the DNS source must converge to: a headless Service's ready pods on their own ports (SRV),
   * else the ClusterIP on the Service port.
   */
  Set<InetSocketAddress> dnsTruth() {
    if (!headless) {
      return Set.of(new InetSocketAddress(clusterIp, servicePort));
    }
    return pods.values().stream()
        .filter(PodState::live)
        .map(p -> new InetSocketAddress(p.ip(), p.port()))
        .collect(Collectors.toSet());
  }

  /** What the API source must converge to: every selected pod with its conditions. */
  Set<Endpoint> apiTruth() {
    return pods.values().stream()
        .filter(PodState::selected)
        .map(
            p ->
                Endpoint.builder(p.ip(), p.port())
                    .ready(p.ready() && !p.terminating())
                    .serving(p.ready())
                    .terminating(p.terminating())
                    .build())
        .collect(Collectors.toSet());
  }

  /** The kind the API source reports (pods access: headless or not). */
  ServiceKind apiKind() {
    return headless ? ServiceKind.HEADLESS : ServiceKind.CLUSTER_IP;
  }

  /** The addresses (IP and port) of {@code set}'s endpoints. */
  static Set<InetSocketAddress> addresses(List<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::address).collect(Collectors.toSet());
  }

  /**
   * Null when the cluster holds what the model believes, else what differs (the suite trusts the
   * model's truth only when this holds).
   */
  String checkAgainstCluster() {
    List<PodState> actual = new ArrayList<>();
    cluster.pods(NAMESPACE).forEach(p -> actual.add(PodState.of(p)));
    List<PodState> expected = new ArrayList<>(pods.values());
    if (!actual.equals(expected)) {
      return "the model's pods " + expected + " differ from the cluster's " + actual;
    }
    Service service = cluster.service(NAMESPACE, SERVICE).orElseThrow();
    if (service.headless() != headless
        || (!headless && service.type() != type)
        || service.port(PORT).port() != servicePort) {
      return "the model's Service ("
          + describeType()
          + ", port "
          + servicePort
          + ") differs from "
          + service;
    }
    return null;
  }

  @Override
  public String toString() {
    return "Service "
        + describeType()
        + " port "
        + servicePort
        + ", pods "
        + pods.values().stream()
            .map(
                p ->
                    p.name()
                        + "="
                        + p.ip().getHostAddress()
                        + ":"
                        + p.port()
                        + (p.ready() ? "" : "/unready")
                        + (p.terminating() ? "/terminating" : "")
                        + (p.selected() ? "" : "/out"))
            .collect(Collectors.joining(" "));
  }
}
