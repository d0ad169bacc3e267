package dev.discovery.api.internal;

import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** Uniform random choice. Registered by {@link java.util.ServiceLoader} as {@code random}. */
public final class RandomPolicy implements Policy {
  public static final RandomPolicy THREAD_LOCAL = new RandomPolicy(null);

  private final RandomGenerator generator; // null: ThreadLocalRandom

  /** For {@link java.util.ServiceLoader}: the thread-local policy. */
  public RandomPolicy() {
    this(null);
  }

  public RandomPolicy(RandomGenerator generator) {
    this.generator = generator;
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    Object[] items = new Object[candidates.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = candidates.item(i);
    }
    return new RandomPicker<>(items, generator);
  }

  @Override
  public String toString() {
    return generator == null ? "random" : "random(" + generator + ")";
  }

  /** Index into an array by a random number: no shared writes with the thread-local source. */
  static final class RandomPicker<T> implements Picker<T> {
    private final Object[] items;
    private final RandomGenerator generator;

    RandomPicker(Object[] items, RandomGenerator generator) {
      this.items = items;
      this.generator = generator;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick() {
      Object[] a = items;
      if (a.length == 1) {
        return (T) a[0];
      }
      int i =
          generator == null
              ? ThreadLocalRandom.current().nextInt(a.length)
              : generator.nextInt(a.length);
      return (T) a[i];
    }

    @Override
    public T pick(CharSequence key) {
      return pick();
    }
  }
}
