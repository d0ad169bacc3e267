package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.ResolutionError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExitCodesTest {
  @ParameterizedTest
  @EnumSource(ResolutionError.Kind.class)
  void of_transientErrorsAreUnavailable_everyOtherKindIsFailed(ResolutionError.Kind kind) {
    int code = ExitCodes.of(new ResolutionError(kind, "m"));
    assertThat(code)
        .isEqualTo(
            kind == ResolutionError.Kind.UNAVAILABLE ? ExitCodes.UNAVAILABLE : ExitCodes.FAILED);
  }

  @ParameterizedTest
  @EnumSource(ResolutionError.Kind.class)
  void help_listsEveryCodeACommandCanReturn(ResolutionError.Kind kind) {
    assertThat(ExitCodes.help().keySet())
        .extracting(String::trim)
        .contains(Integer.toString(ExitCodes.of(new ResolutionError(kind, "m"))))
        .containsExactly("0", "1", "2", "3", "4", "130");
  }
}
