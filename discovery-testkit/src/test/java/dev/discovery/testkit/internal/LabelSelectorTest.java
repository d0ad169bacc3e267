package dev.discovery.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {
  static final Map<String, String> LABELS =
      Map.of("app", "web", "tier", "front", "kubernetes.io/service-name", "web");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web | true",
        "app = web | true",
        "app==web | true",
        "app=db | false",
        "app!=db | true",
        "app!=web | false",
        "missing!=x | true",
        "app in (db, web) | true",
        "app in (db) | false",
        "app notin (db) | true",
        "app notin (db,web) | false",
        "missing notin (x) | true",
        "missing in (x) | false",
        "tier | true",
        "missing | false",
        "!missing | true",
        "! tier | false",
        "app=web,tier=front | true",
        "app=web,tier=back | false",
        "kubernetes.io/service-name=web | true",
        "app in (web),!missing,tier | true",
        "app= | false",
        "'' | true",
      })
  void matches(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(LABELS)).as(selector).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"app=a b", "-app=x", "app in (a b)", "=x", "app=web,", "a/b/c=x"})
  void invalid_isRefusedWithTheRequirementNamed(String selector) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unable to parse requirement: ");
  }
}
