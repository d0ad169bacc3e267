package dev.discovery.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.spi.Candidates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/sticky-hash.md is the contract other clients implement: its test vectors are read from the
 * page and checked here, so the page and the code cannot drift apart.
 */
class StickyHashSpecTest {
  private static final List<String> SPEC = read();

  private static List<String> read() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/sticky-hash.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "docs/sticky-hash.md: not found above " + Path.of("").toAbsolutePath());
    }
    try {
      return Files.readAllLines(dir.resolve("docs/sticky-hash.md"));
    } catch (IOException e) {
      throw new IllegalStateException("docs/sticky-hash.md: " + e.getMessage(), e);
    }
  }

  /**
   * The cells of the rows of the first table after the line {@code after}, header and separator
   * left out, backquotes removed.
   */
  private static List<String[]> rows(String after) {
    int at = SPEC.indexOf(after);
    assertThat(at).as("line %s in docs/sticky-hash.md", after).isNotNegative();
    List<String[]> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : SPEC.subList(at + 1, SPEC.size())) {
      if (!line.startsWith("|")) {
        if (inTable) {
          break;
        }
        continue;
      }
      if (!inTable) {
        inTable = true; // the header row
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      for (int i = 0; i < cells.length; i++) {
        cells[i] = cells[i].trim().replace("`", "");
      }
      if (!cells[0].startsWith("---")) {
        rows.add(cells);
      }
    }
    return rows;
  }

  private static String unquote(String quoted) {
    assertThat(quoted).startsWith("\"").endsWith("\"");
    return quoted.substring(1, quoted.length() - 1);
  }

  private static InetSocketAddress endpoint(String text) throws Exception {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(
        InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
  }

  private static String hex(long h) {
    return String.format("%016x", h);
  }

  @Test
  void hashVectors_matchThePublishedOnes() throws Exception {
    List<String[]> rows = rows("### The hash");
    assertThat(rows).hasSizeGreaterThanOrEqualTo(12);
    for (String[] row : rows) {
      String input = row[0];
      long seed = Long.parseLong(row[1]);
      StringBuilder units = new StringBuilder();
      for (String unit : row[2].isEmpty() ? new String[0] : row[2].split(" ")) {
        units.append((char) Integer.parseInt(unit, 16));
      }
      String expected = row[3];
      assertThat(hex(StickyHash.hash(units, StickyHash.seedKey(seed))))
          .as("h(units of %s, %d)", input, seed)
          .isEqualTo(expected);
      if (input.startsWith("key ")) {
        String key = unquote(input.substring(4));
        assertThat(seed).isEqualTo(StickyHash.KEY_SEED);
        assertThat(key).as("the units of %s", input).isEqualTo(units.toString());
        assertThat(hex(StickyHash.hashKey(key))).as(input).isEqualTo(expected);
      } else {
        assertThat(input).startsWith("endpoint ");
        InetSocketAddress id = endpoint(input.substring(9));
        assertThat(hex(StickyHash.hashEndpoint(id, seed))).as(input).isEqualTo(expected);
      }
    }
  }

  @Test
  void tableVectors_matchThePublishedOnes() throws Exception {
    List<String[]> permutations = rows("### The table");
    List<Endpoint> endpoints = new ArrayList<>();
    for (String[] row : permutations) {
      endpoints.add(Endpoint.of(endpoint(row[0]).getAddress(), endpoint(row[0]).getPort()));
    }
    assertThat(endpoints).hasSize(3);
    var candidates = Candidates.ofEndpoints(endpoints);
    var picker = StickyPolicy.MaglevPicker.build(candidates);
    int m = picker.tableSize();
    assertThat(m).isEqualTo(65537);
    for (String[] row : permutations) {
      InetSocketAddress id = endpoint(row[0]);
      assertThat(Long.remainderUnsigned(StickyHash.hashEndpoint(id, 1), m))
          .as("offset of %s", row[0])
          .isEqualTo(Long.parseLong(row[1]));
      assertThat(Long.remainderUnsigned(StickyHash.hashEndpoint(id, 2), m - 1) + 1)
          .as("skip of %s", row[0])
          .isEqualTo(Long.parseLong(row[2]));
    }

    String slots =
        SPEC.stream()
            .filter(line -> line.startsWith("Slots 0 to 11 hold endpoints "))
            .findFirst()
            .orElseThrow()
            .replaceAll(".*`(.*)`.*", "$1");
    int[] first = new int[12];
    for (int s = 0; s < first.length; s++) {
      first[s] = picker.indexAt(s);
    }
    assertThat(Arrays.toString(first).replaceAll("[\\[\\],]", "")).isEqualTo(slots);

    // The keys' table follows that line.
    List<String[]> keys = rows("Slots 0 to 11 hold endpoints `" + slots + "`.");
    assertThat(keys).hasSizeGreaterThanOrEqualTo(5);
    for (String[] row : keys) {
      String key = unquote(row[0]);
      long h = StickyHash.hashKey(key);
      assertThat(hex(h)).as("h(%s)", key).isEqualTo(row[1]);
      assertThat(((h >>> 32) * m) >>> 32).as("slot of %s", key).isEqualTo(Long.parseLong(row[2]));
      assertThat(picker.pick(key).hostPort()).as("endpoint of %s", key).isEqualTo(row[3]);
      assertThat(picker.pick(key, 1).hostPort()).as("attempt 1 of %s", key).isEqualTo(row[4]);
    }
  }

  @Test
  void tableSizeTiers_areThePublishedOnes() {
    assertThat(StickyPolicy.tableSize(1)).isEqualTo(65537);
    assertThat(StickyPolicy.tableSize(3276)).isEqualTo(65537);
    assertThat(StickyPolicy.tableSize(3277)).isEqualTo(131101);
    assertThat(StickyPolicy.tableSize(6553)).isEqualTo(131101);
    assertThat(StickyPolicy.tableSize(6554)).isEqualTo(262151);
    assertThat(StickyPolicy.tableSize(13107)).isEqualTo(262151);
    assertThat(StickyPolicy.tableSize(13108)).isEqualTo(524309);
  }
}
