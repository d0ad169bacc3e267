package dev.discovery.cli;

import dev.discovery.testkit.FakeCluster;
import dev.discovery.testkit.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;

/** Tests that run the jar against a fresh {@link ShopDns} each (closed after each test). */
abstract class WithShopDns {
  final ShopDns shop = new ShopDns();
  final FakeCluster cluster = shop.cluster;
  final FakeDnsServer dns = shop.dns;

  @AfterEach
  void closeShop() {
    shop.close();
  }
}
