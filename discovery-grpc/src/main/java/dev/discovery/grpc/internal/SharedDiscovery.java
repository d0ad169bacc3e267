package dev.discovery.grpc.internal;

import dev.discovery.api.Discovery;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.ServiceWatch;
import dev.discovery.api.Target;
import dev.discovery.spi.ResolverRegistry;

/**
 * The process-wide {@link Discovery} of channels that bring none. Created on first use; its threads
 * start on demand and exit when idle, so it is never closed and {@link #close()} does nothing.
 */
public final class SharedDiscovery implements Discovery {
  public static final SharedDiscovery INSTANCE = new SharedDiscovery();

  private SharedDiscovery() {}

  private static final class Holder {
    static final Discovery DELEGATE = Discovery.create();
  }

  @Override
  public ServiceWatch watch(String target) {
    return Holder.DELEGATE.watch(target);
  }

  @Override
  public ServiceWatch watch(Target target) {
    return Holder.DELEGATE.watch(target);
  }

  @Override
  public ResolverRegistry registry() {
    return Holder.DELEGATE.registry();
  }

  @Override
  public DiscoveryObserver observer() {
    return Holder.DELEGATE.observer();
  }

  /**
   * Does nothing: other channels may share this discovery, whose idle threads exit on their own.
   */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "SharedDiscovery";
  }
}
