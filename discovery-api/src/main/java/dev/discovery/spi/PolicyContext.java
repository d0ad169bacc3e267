package dev.discovery.spi;

import java.time.Clock;
import java.util.Objects;

/**
 * What a {@link PolicyInstance} may use: the clock of the {@link dev.discovery.api.Discovery} (or
 * channel) it serves, and the target it balances, for messages.
 *
 * @param clock the clock to read time from (never {@code System.currentTimeMillis()})
 * @param target the target whose endpoints are picked, as written
 * @since 0.1
 */
public record PolicyContext(Clock clock, String target) {
  public PolicyContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(target, "target");
  }
}
