package dev.discovery.api.internal;

import dev.discovery.api.Affinity;
import dev.discovery.api.Endpoint;
import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import dev.discovery.spi.PolicyContext;
import dev.discovery.spi.PolicyInstance;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes {@code ClientIP}-style affinity over any keyed policy: a key keeps the endpoint it
 * first got while it is used again within the timeout and that endpoint is still a candidate; a key
 * the table does not know (or whose endpoint left) gets the wrapped policy's choice, which is then
 * remembered. The table lives as long as the {@link PolicyInstance}: across snapshots.
 *
 * <p>The wrapped policy picks among indices, so the table remembers an index per generation of
 * candidates and finds the endpoint again by identity after a change: a pick of a known key
 * allocates nothing.
 */
public final class AffinityPolicy implements Policy {
  private final Policy delegate;
  private final Affinity affinity;

  public AffinityPolicy(Policy delegate, Affinity affinity) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.affinity = Objects.requireNonNull(affinity, "affinity");
    if (!delegate.keyed()) {
      throw new IllegalArgumentException(
          "policy: "
              + delegate.name()
              + " is not keyed (expected: a keyed policy such as sticky under affinity)");
    }
    if (delegate instanceof AffinityPolicy) {
      throw new IllegalArgumentException(
          "policy: " + delegate + " has affinity already (expected: one affinity per policy)");
    }
  }

  /** The affinity this policy keeps. */
  public Affinity affinity() {
    return affinity;
  }

  /** The policy whose choices the table remembers. */
  public Policy delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean keyed() {
    return true;
  }

  /** Without an instance there is no table: the wrapped policy's picker. */
  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    return delegate.newPicker(candidates);
  }

  @Override
  public <T> PolicyInstance<T> newInstance(PolicyContext context) {
    PolicyInstance<Integer> inner = delegate.newInstance(context);
    AffinityTable<Integer> table = new AffinityTable<>(affinity, context.clock());
    return new PolicyInstance<>() {
      private int generation;

      @Override
      public Picker<T> newPicker(Candidates<T> candidates) {
        Integer[] indices = new Integer[candidates.size()];
        Endpoint[] endpoints = new Endpoint[candidates.size()];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = i;
          endpoints[i] = candidates.endpoint(i);
        }
        Picker<Integer> picker =
            inner.newPicker(Candidates.of(List.of(indices), List.of(endpoints)));
        return new AffinityPicker<>(candidates, indices, picker, table, ++generation);
      }
    };
  }

  @Override
  public Policy configure(Map<String, ?> options) {
    return new AffinityPolicy(delegate.configure(options), affinity);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AffinityPolicy p
        && p.delegate.equals(delegate)
        && p.affinity.equals(affinity);
  }

  @Override
  public int hashCode() {
    return Objects.hash(delegate, affinity);
  }

  @Override
  public String toString() {
    return delegate
        + " with affinity "
        + affinity.timeout().toSeconds()
        + "s, "
        + affinity.maxKeys()
        + " keys";
  }

  /** One snapshot's picker: the table first, then the wrapped policy's choice. */
  static final class AffinityPicker<T> implements Picker<T>, AffinityTable.View<Integer> {
    private final Candidates<T> candidates;
    private final Integer[] indices;
    private final Picker<Integer> picker;
    private final AffinityTable<Integer> table;
    private final int generation;

    AffinityPicker(
        Candidates<T> candidates,
        Integer[] indices,
        Picker<Integer> picker,
        AffinityTable<Integer> table,
        int generation) {
      this.candidates = candidates;
      this.indices = indices;
      this.picker = picker;
      this.table = table;
      this.generation = generation;
    }

    @Override
    public T pick() {
      return candidates.item(picker.pick());
    }

    @Override
    public T pick(CharSequence key) {
      return candidates.item(table.pick(key, this));
    }

    @Override
    public T pick(CharSequence key, int attempt) {
      return attempt == 0 ? pick(key) : candidates.item(picker.pick(key, attempt));
    }

    @Override
    public int generation() {
      return generation;
    }

    @Override
    public Integer find(InetSocketAddress id) {
      int i = candidates.indexOf(id);
      return i < 0 ? null : indices[i];
    }

    @Override
    public InetSocketAddress identity(Integer index) {
      return candidates.endpoint(index).address();
    }

    @Override
    public Integer choose(CharSequence key) {
      return picker.pick(key);
    }
  }
}
