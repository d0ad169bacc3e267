package dev.discovery.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.api.Affinity;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StickyConfigTest {

  private static LoadBalancerProvider policy(String name) {
    DiscoveryGrpc.registerPolicies(LoadBalancerRegistry.getDefaultRegistry());
    return LoadBalancerRegistry.getDefaultRegistry().getProvider(name);
  }

  private static Map<String, Object> json(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void fromJson_readsTheHeaderAndTheAffinity() {
    StickyConfig config =
        StickyConfig.fromJson(json("header", "X-Session-Id", "affinityTimeout", "10800s"));

    assertThat(config.header()).isEqualTo("x-session-id");
    assertThat(config.affinity()).isEqualTo(Affinity.of(Duration.ofHours(3)));
    assertThat(StickyConfig.fromJson(json("header", "x-user")))
        .isEqualTo(StickyConfig.of("x-user"));
  }

  @Test
  void toJson_isReadBackAsTheSameConfig() {
    StickyConfig config =
        StickyConfig.of("x-session-id").withAffinity(new Affinity(Duration.ofMillis(1500), 500));

    assertThat(config.toJson())
        .isEqualTo(
            Map.of("header", "x-session-id", "affinityTimeout", "1.5s", "affinityMaxKeys", 500.0));
    assertThat(StickyConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void policyConfig_parsesIntoTheTypedConfig() {
    ConfigOrError parsed =
        policy("sticky")
            .parseLoadBalancingPolicyConfig(
                json("header", "x-session-id", "affinityTimeout", "PT1H"));

    assertThat(parsed.getError()).isNull();
    assertThat(parsed.getConfig().toString())
        .isEqualTo("sticky with affinity 3600s, 100000 keys keyed by header x-session-id");
  }

  static Stream<Arguments> badConfigs() {
    String header =
        " (expected: an ASCII header name of a-z, 0-9, '-', '_' and '.', such as"
            + " \"x-session-id\")";
    return Stream.of(
        Arguments.of(
            "sticky",
            Map.of(),
            "header: missing for policy sticky (expected: the name of the request header that"
                + " carries the key, such as \"x-session-id\")"),
        Arguments.of(
            "sticky", Map.of("header", "x session"), "header: \"x session\" has ' '" + header),
        Arguments.of(
            "sticky",
            Map.of("header", "x-token-bin"),
            "header: \"x-token-bin\" is a binary header (ends with -bin)" + header),
        Arguments.of(
            "sticky",
            Map.of("header", 5.0),
            "header: 5.0 (expected: a header name as a string, such as \"x-session-id\")"),
        Arguments.of(
            "sticky",
            Map.of("header", "x-session-id", "affinityTimeout", "3 hours"),
            "affinityTimeout: \"3 hours\" (expected: a duration such as \"10800s\" or \"PT3H\")"),
        Arguments.of(
            "sticky",
            Map.of("header", "x-session-id", "affinityTimeout", "90000s"),
            "timeout: 90000s (expected: more than 0 and at most 86400s)"),
        Arguments.of(
            "sticky",
            json("header", "x-session-id", "ttl", "5s"),
            "options: [ttl] for policy sticky (expected: none); every keyed policy also takes"
                + " affinityTimeout and affinityMaxKeys (and header in a gRPC service config)"),
        Arguments.of(
            "random",
            Map.of("header", "x-session-id"),
            "options: [header] for policy random (expected: none)"));
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void aBadConfig_isInvalidArgument_namingThePolicyTheOptionAndWhatWasExpected(
      String policy, Map<String, ?> config, String problem) {
    ConfigOrError parsed = policy(policy).parseLoadBalancingPolicyConfig(config);

    assertThat(parsed.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(parsed.getError().getDescription())
        .isEqualTo("loadBalancingConfig of policy " + policy + ": " + problem);
  }

  @Test
  void aBadDefaultServiceConfig_failsTheChannelBuild_withTheProblem() {
    Map<String, ?> bad =
        Map.of("loadBalancingConfig", List.of(Map.of("sticky", Map.of("header", "x y"))));

    assertThatThrownBy(
            () ->
                Grpc.newChannelBuilder("static:///127.0.0.1:9", InsecureChannelCredentials.create())
                    .defaultServiceConfig(bad)
                    .build())
        .hasMessageContaining("loadBalancingConfig of policy sticky: header: \"x y\" has ' '");
  }
}
