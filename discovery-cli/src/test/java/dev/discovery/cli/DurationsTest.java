package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"500ms,500", "5s,5000", "2m,120000", "1h,3600000", "PT1.5S,1500", "pt2s,2000"})
  void parse_acceptsUnitsAndIso(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5x", "s", "-1s", "1.5s", ""})
  void parse_rejectsOtherText_sayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"" + text + "\" (expected: a duration such as 500ms, 5s, 2m, 1h or PT5S)");
  }

  @ParameterizedTest
  @CsvSource({"0,0 ms", "850,850 ms", "1000,1 s", "1250,1.25 s", "125000,2 m 05 s", "-5,0 ms"})
  void format_readsWell(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
