package dev.discovery.grpc;

import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;

/**
 * A policy a user could plug in through discovery-api's SPI (declared in this module's test
 * resources): every call goes to the lowest address. Deterministic, so a test can tell it is in
 * use.
 */
public final class LowestPickerFactory implements Policy {
  @Override
  public String name() {
    return "lowest";
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    T lowest = candidates.item(0);
    return new Picker<>() {
      @Override
      public T pick() {
        return lowest;
      }

      @Override
      public T pick(CharSequence key) {
        return lowest;
      }
    };
  }
}
