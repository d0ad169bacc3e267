package dev.discovery.bench.api;

/**
 * One way of hearing a Service's endpoints: our {@code k8s+api} source, our {@code k8s+dns} source,
 * or a peer such as client-java's shared informer. Every state it delivers goes to the {@link
 * Tracker} it was started with, as the number of ready endpoints, on the thread that delivered it
 * (a watch's listener, an informer's event handler).
 */
public interface Peer extends AutoCloseable {
  /** The name in the results: {@code api}, {@code dns}, {@code informer}. */
  String name();

  /**
   * Starts watching Service {@code service} in namespace {@code namespace} of {@code rig}, handing
   * every state to {@code tracker}; returns at once (the caller waits on the tracker).
   */
  void start(Rig rig, String namespace, String service, Tracker tracker) throws Exception;

  /** Stops watching and releases the peer's threads and connections. */
  @Override
  void close();

  /** Makes a fresh peer of one kind (one per measurement that needs a fresh start). */
  interface Factory {
    String name();

    Peer create();
  }
}
