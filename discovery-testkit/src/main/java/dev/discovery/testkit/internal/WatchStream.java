package dev.discovery.testkit.internal;

import dev.discovery.testkit.ClusterEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open watch of a fake API server: the events its cache gives it, queued, and the loop that
 * writes them to the response, one JSON document per line, flushed per event (each one chunk of the
 * chunked response). The loop also writes the bookmarks, ends the watch at its timeout, and obeys
 * the faults (stalls, drops, expiry, a malformed line). The queue takes events under the cache's
 * lock and never blocks; the loop runs on the request's thread.
 */
public final class WatchStream implements WatchCache.Sink {
  private sealed interface Item permits Event, Bookmark, Wake {}

  private record Event(ClusterEvent.Type type, StoredObject object) implements Item {}

  private record Bookmark(long resourceVersion, boolean initialEventsEnd) implements Item {}

  private record Wake() implements Item {}

  private static final byte[] MALFORMED =
      "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\n".getBytes(StandardCharsets.UTF_8);

  private final ApiResource resource;
  private final ApiFaultState faults;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger dropAfter = new AtomicInteger(-1);
  private volatile boolean dropped;
  private volatile String expiry;

  public WatchStream(ApiResource resource, ApiFaultState faults) {
    this.resource = resource;
    this.faults = faults;
  }

  @Override
  public void event(ClusterEvent.Type type, StoredObject object) {
    queue.add(new Event(type, object));
  }

  @Override
  public void bookmark(long resourceVersion, boolean initialEventsEnd) {
    queue.add(new Bookmark(resourceVersion, initialEventsEnd));
  }

  /** Ends the stream now, without the events still queued. */
  public void drop() {
    dropped = true;
    queue.add(new Wake());
  }

  /** Ends the stream after {@code events} more events. */
  public void dropAfter(int events) {
    dropAfter.set(events);
    if (events == 0) {
      drop();
    }
  }

  /** Ends the stream with an ERROR event holding a 410 Expired {@code Status}. */
  public void expire(String message) {
    expiry = message;
    queue.add(new Wake());
  }

  private boolean over() {
    return dropped || expiry != null;
  }

  /**
   * Writes the stream until it ends: by a fault, its timeout, the client going away or {@link
   * #drop()}.
   *
   * @param bookmarkInterval how often to write a bookmark, or null for none
   * @param timeout when to end the stream cleanly, or null for never
   * @throws IOException if the client went away
   */
  public void run(OutputStream out, WatchCache cache, Duration bookmarkInterval, Duration timeout)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
    long interval = bookmarkInterval == null ? 0 : bookmarkInterval.toNanos();
    long nextBookmark = interval == 0 ? Long.MAX_VALUE : start + interval;
    while (true) {
      long now = System.nanoTime();
      if (now - deadline >= 0 && deadline != Long.MAX_VALUE) {
        return;
      }
      if (nextBookmark != Long.MAX_VALUE && now - nextBookmark >= 0) {
        cache.bookmark(this);
        nextBookmark = now + interval;
      }
      long wait = Math.min(deadline, nextBookmark) - now;
      Item item = queue.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
      faults.awaitUnstalled(this::over);
      if (dropped) {
        return;
      }
      if (expiry != null) {
        write(out, "ERROR", ApiDocuments.status(410, "Expired", expiry, null));
        return;
      }
      if (item instanceof Event e) {
        if (faults.takeMalformedEvent()) {
          out.write(MALFORMED);
        }
        long oversized = faults.takeOversizedEvent();
        if (oversized > 0) {
          ApiDocuments.writePadded(
              out, "{\"type\":\"MODIFIED\",\"object\":{\"padding\":\"", oversized);
          out.write('\n');
          out.flush();
        }
        write(out, e.type().name(), ApiDocuments.object(e.object()));
        if (dropAfter.get() > 0 && dropAfter.decrementAndGet() == 0) {
          return;
        }
      } else if (item instanceof Bookmark b) {
        write(
            out,
            "BOOKMARK",
            ApiJson.bookmark(resource.kind(), b.resourceVersion(), b.initialEventsEnd()));
      }
    }
  }

  private static void write(OutputStream out, String type, Map<String, Object> object)
      throws IOException {
    byte[] line = ApiDocuments.write(ApiJson.watchEvent(type, object));
    out.write(line);
    out.write('\n');
    out.flush();
  }
}
