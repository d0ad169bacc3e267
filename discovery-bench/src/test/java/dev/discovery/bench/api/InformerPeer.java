package dev.discovery.bench.api;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.util.Config;

/**
 * The official Kubernetes Java client (client-java 24.0.0, test scope only, which is why this peer
 * lives in the bench's test sources): a shared informer on the Service's EndpointSlices (list, then
 * watch with bookmarks, as client-go), connected by the same kubeconfig as our source. After every
 * add, update or delete its handler counts the ready endpoints over all the slices in the
 * informer's cache ({@code conditions.ready} nil counts as ready, as Kubernetes says), and hands
 * the count to the tracker.
 */
final class InformerPeer implements Peer {
  static final Peer.Factory FACTORY =
      new Peer.Factory() {
        @Override
        public String name() {
          return "informer";
        }

        @Override
        public Peer create() {
          return new InformerPeer();
        }
      };

  private SharedInformerFactory factory;

  @Override
  public String name() {
    return "informer";
  }

  @Override
  public void start(Rig rig, String namespace, String service, Tracker tracker) throws Exception {
    ApiClient client = Config.fromConfig(rig.api().kubeconfig().toString());
    client.setReadTimeout(0); // a watch waits for events
    DiscoveryV1Api api = new DiscoveryV1Api(client);
    factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1EndpointSlice> informer =
        factory.sharedIndexInformerFor(
            params ->
                api.listNamespacedEndpointSlice(namespace)
                    .labelSelector("kubernetes.io/service-name=" + service)
                    .resourceVersion(params.resourceVersion)
                    .timeoutSeconds(params.timeoutSeconds)
                    .watch(params.watch)
                    .allowWatchBookmarks(true)
                    .buildCall(null),
            V1EndpointSlice.class,
            V1EndpointSliceList.class);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(V1EndpointSlice slice) {
            tracker.deliver(ready(informer));
          }

          @Override
          public void onUpdate(V1EndpointSlice before, V1EndpointSlice after) {
            tracker.deliver(ready(informer));
          }

          @Override
          public void onDelete(V1EndpointSlice slice, boolean finalStateUnknown) {
            tracker.deliver(ready(informer));
          }
        });
    factory.startAllRegisteredInformers();
  }

  private static int ready(SharedIndexInformer<V1EndpointSlice> informer) {
    int n = 0;
    for (V1EndpointSlice s : informer.getIndexer().list()) {
      for (V1Endpoint e : s.getEndpoints()) {
        if (e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady())) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (factory != null) {
      factory.stopAllRegisteredInformers();
    }
  }
}
