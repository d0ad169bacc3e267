package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BarChartTest {
  @Test
  void render_scalesToTheLargestValue_withCountsAndShares() {
    List<String> lines =
        BarChart.render(
            List.of(
                new BarChart.Bar("a", 500, ""),
                new BarChart.Bar("bb", 200, "note"),
                new BarChart.Bar("c", 1_000, "")),
            1_700,
            10,
            '#',
            "  ");

    assertThat(lines)
        .containsExactly(
            "  a   #####         500   29.4%",
            "  bb  ##            200   11.8%  note", "  c   ##########  1,000   58.8%");
  }

  @Test
  void render_aNonZeroValue_getsAtLeastOneGlyph_andZeroNone() {
    List<String> lines =
        BarChart.render(
            List.of(
                new BarChart.Bar("x", 1, ""),
                new BarChart.Bar("y", 0, ""),
                new BarChart.Bar("z", 1000, "")),
            1001,
            20,
            '#',
            "");
    assertThat(lines.get(0)).contains(" # ").doesNotContain("##");
    assertThat(lines.get(1)).doesNotContain("#");
    assertThat(lines.get(2)).contains("#".repeat(20));
  }

  @Test
  void glyph_isABlockWhereTheCharsetHasOne_elseAHash() {
    assertThat(BarChart.glyph(StandardCharsets.UTF_8)).isEqualTo('\u2588');
    assertThat(BarChart.glyph(StandardCharsets.US_ASCII)).isEqualTo('#');
  }
}
