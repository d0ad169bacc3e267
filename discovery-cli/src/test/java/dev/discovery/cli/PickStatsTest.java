package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PickStatsTest {
  static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 80);
  static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 80);
  static final InetSocketAddress C = new InetSocketAddress("10.0.0.3", 80);

  @Test
  void moves_tellsForcedMovesFromMovesToANewEndpointAndFromChurn() {
    Map<String, InetSocketAddress> before = Map.of("k1", A, "k2", B, "k3", A, "k4", B, "k5", A);
    // B is gone, C is new: k2 and k4 had to move; k3 moved to the new C; k5 moved A -> ... A stays
    Map<String, InetSocketAddress> after = Map.of("k1", A, "k2", C, "k3", C, "k4", A, "k5", A);

    PickStats.Moves m = PickStats.moves(before, after, Set.of(A, B), Set.of(A, C));

    assertThat(m).isEqualTo(new PickStats.Moves(5, 3, 2, 1, 0));
  }

  @Test
  void moves_betweenEndpointsThatStayed_areCountedApart() {
    PickStats.Moves m = PickStats.moves(Map.of("k", A), Map.of("k", B), Set.of(A, B), Set.of(A, B));
    assertThat(m).isEqualTo(new PickStats.Moves(1, 1, 0, 0, 1));
    assertThat(m.describe())
        .isEqualTo(
            "keys moved: 1 of 1 (100.0%): 0 from endpoints gone, 0 to new endpoints, 1 between"
                + " endpoints that stayed");
  }

  @Test
  void moves_keysOnlyOnOneSide_areNotCompared() {
    PickStats.Moves m =
        PickStats.moves(Map.of("k", A, "old", B), Map.of("k", A, "new", C), Set.of(A), Set.of(A));
    assertThat(m).isEqualTo(new PickStats.Moves(1, 0, 0, 0, 0));
    assertThat(m.describe()).isEqualTo("keys moved: 0 of 1");
  }

  /** Property: the three kinds of moves always add up to the moves, whatever the mappings. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void moves_partsAlwaysAddUp(long seed) {
    Random r = new Random(seed);
    InetSocketAddress[] all = {A, B, C};
    Map<String, InetSocketAddress> before = new LinkedHashMap<>();
    Map<String, InetSocketAddress> after = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      before.put("k" + i, all[r.nextInt(3)]);
      after.put("k" + i, all[r.nextInt(3)]);
    }
    PickStats.Moves m = PickStats.moves(before, after, Set.of(A, B), Set.of(B, C));
    long expectedMoved =
        before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
    assertThat(m.moved()).isEqualTo(expectedMoved);
    assertThat(m.fromGone() + m.toNew() + m.between()).isEqualTo(m.moved());
    assertThat(m.keys()).isEqualTo(200);
  }

  @Test
  void keys_areNamedFromZero() {
    assertThat(PickStats.keys(3)).containsExactly("key-0", "key-1", "key-2");
  }
}
