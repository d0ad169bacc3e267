package dev.discovery.examples;

import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;

// snippet:custom-policy
/** Every call to the first eligible endpoint (the lowest address); the next takes over. */
public final class PrimaryPolicy implements Policy {
  @Override
  public String name() {
    return "primary";
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) { // never empty, canonical order
    T first = candidates.item(0);
    return new Picker<>() { // immutable: a new one is built for every change
      @Override
      public T pick() {
        return first;
      }

      @Override
      public T pick(CharSequence key) {
        return first;
      }
    };
  }
}
// end-snippet
