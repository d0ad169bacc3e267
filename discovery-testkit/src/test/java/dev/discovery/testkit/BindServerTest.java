package dev.discovery.testkit;

import static dev.discovery.testkit.DnsClient.rdata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.discovery.testkit.DnsClient.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class BindServerTest {
  private static final String WEB = "web.shop.svc.cluster.local";

  private static FakeCluster cluster() {
    FakeCluster cluster = FakeCluster.create();
    cluster.apply(
        Service.headless("shop", "web").selector("app", "web").port("grpc", 50051, "grpc").build());
    cluster.scale(
        Pod.builder("shop", "web").label("app", "web").containerPort("grpc", 50051).build(), 2);
    return cluster;
  }

  @Test
  void sync_sendsTheDifference_andStopRestart_keepsPortAndData() throws IOException {
    FakeCluster cluster = cluster();
    try (BindServer bind = BindServer.start(cluster)) {
      DnsClient client = new DnsClient(bind.address());
      assertThat(rdata(client.query(WEB, Type.A)))
          .containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2");

      cluster.scale("shop", "web", 3);
      cluster.setReady("shop", "web-0", false);
      cluster.apply(Service.externalName("shop", "db", "db.example.com").build());
      bind.sync();

      assertThat(rdata(client.query(WEB, Type.A)))
          .containsExactlyInAnyOrder("127.0.1.2", "127.0.1.3");
      assertThat(client.query("127-0-1-1.web.shop.svc.cluster.local", Type.A).getRcode())
          .isEqualTo(Rcode.NXDOMAIN);
      assertThat(rdata(client.query("db.shop.svc.cluster.local", Type.CNAME)))
          .containsExactly("db.example.com.");

      int port = bind.port();
      bind.stop();
      assertThat(bind.isRunning()).isFalse();
      DnsClient impatient = new DnsClient(bind.address(), Duration.ofMillis(300));
      assertThatThrownBy(() -> impatient.query(WEB, Type.A, Mode.UDP))
          .isInstanceOf(IOException.class);

      bind.restart();

      assertThat(bind.port()).isEqualTo(port);
      assertThat(rdata(client.query(WEB, Type.A)))
          .containsExactlyInAnyOrder("127.0.1.2", "127.0.1.3");
    }
  }

  @Test
  void close_deletesItsDirectory() {
    BindServer bind = BindServer.start(cluster());
    Path dir = bind.directory();
    assertThat(dir.resolve("named.conf")).exists();
    assertThat(dir.resolve("cluster.local.zone")).exists();

    bind.close();

    assertThat(bind.isRunning()).isFalse();
    assertThat(Files.exists(dir)).isFalse();
    assertThatThrownBy(bind::sync).hasMessageContaining("not running");
  }

  @Test
  void missingNamed_failsWithTheInstallCommand() {
    assertThatThrownBy(
            () -> BindServer.builder(cluster()).named(Path.of("/nonexistent/named")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/named is not executable")
        .hasMessageContaining("apt-get install -y --no-install-recommends bind9")
        .hasMessageContaining("./run-tests");
  }

  @Test
  void findNamed_findsDebiansNamed() {
    assertThat(BindServer.findNamed())
        .as("BIND's named must be installed for these tests (README's ./run-tests installs bind9)")
        .isPresent();
  }
}
