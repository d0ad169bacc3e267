package dev.discovery.spi;

/**
 * One policy's state for one consumer (a {@link dev.discovery.api.Balancer}, or a gRPC channel's
 * load balancer): it builds a {@link Picker} per snapshot of candidates and may keep state across
 * snapshots (an affinity table, in-flight counts). Made by {@link
 * dev.discovery.api.Policy#newInstance(PolicyContext)}.
 *
 * <p>{@link #newPicker} is called on the consumer's serialized context, once per change, never
 * concurrently; it may take time proportional to the number of candidates but must not block. The
 * pickers it returns are used from any thread.
 *
 * @param <T> what is picked
 * @since 0.1
 */
@FunctionalInterface
public interface PolicyInstance<T> {

  /** A picker over {@code candidates} (never empty). */
  Picker<T> newPicker(Candidates<T> candidates);

  /**
   * The call feedback this instance wants, or {@code null} (the default): hosts then report no call
   * and a pick allocates nothing more than the picker does. Asked once, right after {@link
   * dev.discovery.api.Policy#newInstance}.
   */
  default CallFeedback feedback() {
    return null;
  }
}
