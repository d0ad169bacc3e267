package dev.discovery.api.internal;

import dev.discovery.spi.Picker;
import java.net.InetSocketAddress;

/**
 * One snapshot's picker with its candidates, as the {@link AffinityTable} sees it. The Java
 * balancer and the gRPC load balancer extend it; each says how to get an item's identity.
 *
 * @param <T> what is picked
 */
public abstract class PickerView<T> implements AffinityTable.View<T> {
  /** The picker; {@code null} only where a subclass says there is none. */
  public final Picker<T> picker;

  private final ArrayCandidates<T> candidates;
  private final int generation;

  protected PickerView(Picker<T> picker, ArrayCandidates<T> candidates, int generation) {
    this.picker = picker;
    this.candidates = candidates;
    this.generation = generation;
  }

  @Override
  public final int generation() {
    return generation;
  }

  @Override
  public final T find(InetSocketAddress id) {
    int i = candidates.indexOf(id);
    return i < 0 ? null : candidates.item(i);
  }

  @Override
  public final T choose(CharSequence key) {
    return picker.pick(key);
  }

  /** How many candidates the picker chooses among. */
  public final int size() {
    return candidates.size();
  }
}
