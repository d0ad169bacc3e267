package dev.discovery.api.internal;

import dev.discovery.api.Policy;
import dev.discovery.spi.Candidates;
import dev.discovery.spi.Picker;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent hashing with a Maglev lookup table. Registered by {@link java.util.ServiceLoader} as
 * {@code sticky}. See {@link dev.discovery.api.Policies#sticky()} for the contract and {@link
 * StickyHash} for the hash.
 */
public final class StickyPolicy implements Policy {
  public static final StickyPolicy INSTANCE = new StickyPolicy();

  /** The smallest table: enough slots that one endpoint's change moves almost no other key. */
  static final int MIN_TABLE_SIZE = 65537;

  /** Slots per endpoint at least, for larger sets. */
  static final int SLOTS_PER_ENDPOINT = 20;

  /** For {@link java.util.ServiceLoader}. */
  public StickyPolicy() {}

  @Override
  public String name() {
    return "sticky";
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public <T> Picker<T> newPicker(Candidates<T> candidates) {
    return MaglevPicker.build(candidates);
  }

  @Override
  public String toString() {
    return "sticky";
  }

  /**
   * The table size for {@code n} endpoints: the smallest prime at least 65537 x 2^k, for the
   * smallest k that gives at least 20 slots per endpoint. Sizes come in tiers so that adding or
   * removing an endpoint keeps the size (and so almost every key's slot); only crossing a tier (n =
   * 3277, 6554, 13108, ...) remaps every key.
   */
  static int tableSize(int n) {
    long base = MIN_TABLE_SIZE;
    while (base < (long) SLOTS_PER_ENDPOINT * n) {
      base *= 2;
    }
    if (base > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("endpoints: " + n + " (expected: at most 50 million)");
    }
    int m = (int) base;
    while (!isPrime(m)) {
      m++;
    }
    return m;
  }

  private static boolean isPrime(int m) {
    if (m < 2 || m % 2 == 0) {
      return m == 2;
    }
    for (int d = 3; (long) d * d <= m; d += 2) {
      if (m % d == 0) {
        return false;
      }
    }
    return true;
  }

  /** A filled Maglev table. Lookups allocate nothing. */
  static final class MaglevPicker<T> implements Picker<T> {
    private final Object[] items;
    private final int size; // table size M
    private final char[] small; // entries when fewer than 65536 endpoints
    private final int[] large; // entries otherwise

    private MaglevPicker(Object[] items, int size, char[] small, int[] large) {
      this.items = items;
      this.size = size;
      this.small = small;
      this.large = large;
    }

    static <T> MaglevPicker<T> build(Candidates<T> candidates) {
      int n = candidates.size();
      int m = StickyPolicy.tableSize(n);
      Object[] items = new Object[n];
      int[] offset = new int[n];
      int[] skip = new int[n];
      for (int i = 0; i < n; i++) {
        items[i] = candidates.item(i);
        var id = candidates.endpoint(i).address();
        offset[i] =
            (int) Long.remainderUnsigned(StickyHash.hashEndpoint(id, StickyHash.OFFSET_SEED), m);
        skip[i] =
            (int) Long.remainderUnsigned(StickyHash.hashEndpoint(id, StickyHash.SKIP_SEED), m - 1)
                + 1;
      }
      // Fill each endpoint's preferred free slot in turn until the table is full. Small sets (the
      // usual case) fill a char[] directly, with '\uffff' marking a free slot.
      int[] position = offset; // each endpoint's next slot in its permutation
      if (n < 0xffff) {
        char[] small = new char[m];
        java.util.Arrays.fill(small, (char) 0xffff);
        int filled = 0;
        while (true) {
          for (int i = 0; i < n; i++) {
            int c = position[i];
            while (small[c] != 0xffff) {
              c += skip[i];
              if (c >= m) {
                c -= m;
              }
            }
            small[c] = (char) i;
            c += skip[i];
            position[i] = c >= m ? c - m : c;
            if (++filled == m) {
              return new MaglevPicker<>(items, m, small, null);
            }
          }
        }
      }
      int[] table = new int[m];
      java.util.Arrays.fill(table, -1);
      int filled = 0;
      while (true) {
        for (int i = 0; i < n; i++) {
          int c = position[i];
          while (table[c] >= 0) {
            c += skip[i];
            if (c >= m) {
              c -= m;
            }
          }
          table[c] = i;
          c += skip[i];
          position[i] = c >= m ? c - m : c;
          if (++filled == m) {
            return new MaglevPicker<>(items, m, null, table);
          }
        }
      }
    }

    private int slot(long hash) {
      return (int) (((hash >>> 32) * size) >>> 32);
    }

    @SuppressWarnings("unchecked")
    private T at(int slot) {
      return (T) items[small != null ? small[slot] : large[slot]];
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick() {
      Object[] a = items;
      return (T) a[a.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(a.length)];
    }

    @Override
    public T pick(CharSequence key) {
      return at(slot(StickyHash.hashKey(key)));
    }

    @Override
    public T pick(CharSequence key, int attempt) {
      int s = slot(StickyHash.hashKey(key));
      if (attempt != 0) {
        s = (int) ((s + (attempt & 0xffffffffL)) % size);
      }
      return at(s);
    }

    /** The endpoint index of each slot (for tests of balance and disruption). */
    int indexAt(int slot) {
      return small != null ? small[slot] : large[slot];
    }

    int tableSize() {
      return size;
    }
  }
}
