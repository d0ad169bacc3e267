package dev.discovery.bench.pick;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import dev.discovery.api.Endpoint;
import dev.discovery.api.internal.StickyHash;
import dev.discovery.bench.Fixtures;
import io.netty.util.AttributeKey;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceDefinition;
import io.smallrye.stork.api.ServiceInstance;
import io.smallrye.stork.loadbalancer.random.RandomConfiguration;
import io.smallrye.stork.servicediscovery.staticlist.StaticConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How each peer is set up over the same endpoints: the way its documentation shows. */
public final class Peers {
  /** Where an Armeria request carries its sticky key. */
  public static final AttributeKey<CharSequence> STICKY_KEY =
      AttributeKey.valueOf(Peers.class, "stickyKey");

  private Peers() {}

  /** Armeria endpoints for ours: {@code Endpoint.of(ip, port)}. */
  public static List<com.linecorp.armeria.client.Endpoint> armeriaEndpoints(
      List<Endpoint> endpoints) {
    List<com.linecorp.armeria.client.Endpoint> list = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      list.add(com.linecorp.armeria.client.Endpoint.of(e.ip().getHostAddress(), e.port()));
    }
    return list;
  }

  /** An Armeria selector of {@code strategy} over a static group of {@code endpoints}. */
  public static EndpointSelector armeriaSelector(
      EndpointSelectionStrategy strategy, List<Endpoint> endpoints) {
    EndpointGroup group = EndpointGroup.of(strategy, armeriaEndpoints(endpoints));
    return strategy.newSelector(group);
  }

  /**
   * Armeria's sticky strategy hashing the request's key from its characters on every call, with the
   * same 64-bit character hash as ours, so that only the selection step differs.
   */
  public static EndpointSelectionStrategy armeriaSticky() {
    return EndpointSelectionStrategy.sticky(ctx -> StickyHash.hashKey(ctx.attr(STICKY_KEY)));
  }

  /** A client request context for a GET, carrying {@code key} (null: none). */
  public static ClientRequestContext armeriaContext(CharSequence key) {
    ClientRequestContext ctx = ClientRequestContext.of(HttpRequest.of(HttpMethod.GET, "/"));
    if (key != null) {
      ctx.setAttr(STICKY_KEY, key);
    }
    return ctx;
  }

  /**
   * A Stork service {@code name} with the static-list discovery over {@code endpoints} and the
   * random load balancer, defined through Stork's programmatic API.
   */
  public static Service storkRandom(String name, List<Endpoint> endpoints) {
    Stork.initialize();
    String addresses = String.join(",", Fixtures.hostPorts(endpoints));
    Stork.getInstance()
        .defineIfAbsent(
            name,
            ServiceDefinition.of(
                new StaticConfiguration().withAddressList(addresses), new RandomConfiguration()));
    return Stork.getInstance().getService(name);
  }

  /** The instances a Stork service's discovery reports (static: resolved at once). */
  public static List<ServiceInstance> storkInstances(Service service) {
    return service.getInstances().await().atMost(Duration.ofSeconds(10));
  }
}
