package dev.discovery.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscoveryNameResolverProviderTest {

  @ParameterizedTest
  @CsvSource({
    "k8s:///web.shop:grpc, k8s:///web.shop:grpc",
    "'k8s+dns://127.0.0.1:5353/web.shop:grpc', 'k8s+dns://127.0.0.1:5353/web.shop:grpc'",
    "'static:///%5B::1%5D:8080,10.0.0.1:80', 'static:///[::1]:8080,10.0.0.1:80'",
    "k8s:web.shop, k8s:web.shop",
    "k8s:///web.shop?x=1, k8s:///web.shop?x=1",
  })
  void aChannelTargetUri_isReadBackInDiscoverysGrammar_pathDecoded(String uri, String text) {
    assertThat(DiscoveryNameResolverProvider.text(URI.create(uri))).isEqualTo(text);
  }
}
