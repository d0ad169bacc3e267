package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void lines_alignColumns_twoSpacesApart_nullsAsDashes_noTrailingSpaces() {
    Table t = Table.of("A", "LONGER", "C").row("xxxx", 1, null).row("y", null, "last");
    assertThat(t.lines("> "))
        .containsExactly("> A     LONGER  C", "> xxxx  1       -", "> y     -       last");
  }

  @Test
  void row_withTheWrongNumberOfCells_isRefused() {
    assertThatThrownBy(() -> Table.of("A", "B").row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cells: [only one] (expected: 2 cells)");
  }
}
