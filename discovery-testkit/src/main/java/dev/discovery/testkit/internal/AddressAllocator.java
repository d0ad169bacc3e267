package dev.discovery.testkit.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses of a fake cluster's objects: hands out IPv4 addresses to objects applied without
 * any (pods, ClusterIPs, nodes, load balancer ingress, each from its own pool, so fake pods get
 * distinct {@code 127.x} addresses by default), and checks that no two objects share one. The pools
 * never hand an address out twice; a {@link Ledger} says which addresses are in use during one
 * change of the cluster. Not thread-safe: the cluster's lock guards it.
 */
public final class AddressAllocator {
  private final IpPool pods;
  private final IpPool services;
  private final IpPool nodes;
  private final IpPool ingress;

  /**
   * @throws IllegalArgumentException if a first address is not IPv4
   */
  public AddressAllocator(
      InetAddress firstPod,
      InetAddress firstService,
      InetAddress firstNode,
      InetAddress firstIngress) {
    this.pods = new IpPool("pod", firstPod);
    this.services = new IpPool("service", firstService);
    this.nodes = new IpPool("node", firstNode);
    this.ingress = new IpPool("load balancer ingress", firstIngress);
  }

  /** An empty ledger for one change; the change records in it the addresses its objects hold. */
  public Ledger ledger() {
    return new Ledger();
  }

  /** Who holds which address during one change, and new addresses no one holds. */
  public final class Ledger {
    private final Map<InetAddress, String> owners = new HashMap<>();

    private Ledger() {}

    /**
     * Records that {@code owner} (as messages name it: {@code pod shop/web-0}) holds {@code ips}.
     */
    public void own(List<InetAddress> ips, String owner) {
      ips.forEach(ip -> owners.put(ip, owner));
    }

    /** Records that {@code ips} are free again. */
    public void disown(List<InetAddress> ips) {
      ips.forEach(owners::remove);
    }

    /**
     * @throws IllegalArgumentException naming {@code field} if another owner holds one of {@code
     *     ips}
     */
    public void checkFree(List<InetAddress> ips, String owner, String field) {
      for (InetAddress ip : ips) {
        String other = owners.get(ip);
        if (other != null && !other.equals(owner)) {
          throw Validation.invalid(
              field,
              ip.getHostAddress() + " is used by " + other,
              "an address no other object has");
        }
      }
    }

    /** A pod IP no one holds. */
    public InetAddress nextPodIp() {
      return pods.next(owners::containsKey);
    }

    /** A ClusterIP no one holds. */
    public InetAddress nextServiceIp() {
      return services.next(owners::containsKey);
    }

    /** A node address no one holds. */
    public InetAddress nextNodeIp() {
      return nodes.next(owners::containsKey);
    }

    /** A load balancer ingress IP no one holds. */
    public InetAddress nextIngressIp() {
      return ingress.next(owners::containsKey);
    }
  }
}
