package dev.discovery.api.internal;

import dev.discovery.api.DiscoveryEvent;
import dev.discovery.api.DiscoveryObserver;
import dev.discovery.api.Subscription;
import dev.discovery.spi.PolicyContext;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery's fan-out observer: tells its own bookkeeping first, then every registered
 * observer, each isolated from the others (one that throws is logged, at most once a minute at
 * WARN, and the next one is told all the same).
 */
final class Observers implements DiscoveryObserver {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  private final CopyOnWriteArrayList<DiscoveryObserver> observers = new CopyOnWriteArrayList<>();
  private final Consumer<DiscoveryEvent> bookkeeping;
  private final LogLimiter thrown;

  Observers(Consumer<DiscoveryEvent> bookkeeping, PolicyContext.Ticker ticker) {
    this.bookkeeping = bookkeeping;
    this.thrown = new LogLimiter(ticker, LogLimiter.INTERVAL);
  }

  Subscription add(DiscoveryObserver observer) {
    Objects.requireNonNull(observer, "observer");
    observers.add(observer);
    return () -> observers.remove(observer);
  }

  boolean isEmpty() {
    return observers.isEmpty();
  }

  @Override
  public void onEvent(DiscoveryEvent event) {
    bookkeeping.accept(event);
    for (DiscoveryObserver o : observers) {
      try {
        o.onEvent(event);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        int held = thrown.tryAcquire();
        if (held >= 0) {
          log.warn(
              "Observer {} threw on {} of {}; other observers are not affected ({} more such"
                  + " failures in the last minute not logged)",
              o,
              event.getClass().getSimpleName(),
              event.target(),
              held,
              e);
        } else {
          log.debug("Observer {} threw on {}", o, event.getClass().getSimpleName(), e);
        }
      }
    }
  }
}
