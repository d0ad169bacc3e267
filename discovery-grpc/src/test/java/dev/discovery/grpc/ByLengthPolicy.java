package dev.discovery.grpc;

import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;

/**
 * A keyed policy a user could plug in (declared in this module's test resources), deterministic so
 * a test can tell where a key goes: a key of length L goes to candidate L mod N, its fallbacks to
 * the next ones; calls without a key to candidate 0.
 */
public final class ByLengthPolicy implements Policy {
  @Override
  public String name() {
    return "by-length";
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    Object[] items = new Object[candidates.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = candidates.item(i);
    }
    return new Picker<>() {
      @Override
      public T pick() {
        return item(0);
      }

      @Override
      public T pick(CharSequence key) {
        return pick(key, 0);
      }

      @Override
      public T pick(CharSequence key, int attempt) {
        return item(key.length() + attempt);
      }

      @SuppressWarnings("unchecked")
      private T item(int i) {
        return (T) items[i % items.length];
      }
    };
  }
}
