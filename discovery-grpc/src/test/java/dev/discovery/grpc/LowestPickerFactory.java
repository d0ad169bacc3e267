package dev.discovery.grpc;

import dev.discovery.api.Candidates;
import dev.discovery.api.Picker;
import dev.discovery.api.PickerFactory;

/**
 * A policy a user could plug in through discovery-api's SPI (declared in this module's test
 * resources): every call goes to the lowest address. Deterministic, so a test can tell it is in
 * use.
 */
public final class LowestPickerFactory implements PickerFactory {
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
