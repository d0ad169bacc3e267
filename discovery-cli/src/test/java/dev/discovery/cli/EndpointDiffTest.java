package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.discovery.api.Endpoint;
import dev.discovery.api.EndpointSet;
import dev.discovery.api.ServiceKind;
import dev.discovery.api.Source;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointDiffTest {
  static Endpoint.Builder ep(String ip, String hostname) throws UnknownHostException {
    return Endpoint.builder(InetAddress.getByName(ip), 50051).hostname(hostname);
  }

  static EndpointSet set(ServiceKind kind, Endpoint... endpoints) {
    return EndpointSet.builder(kind, Source.of("dns")).addAll(List.of(endpoints)).build();
  }

  @Test
  void between_nothingBefore_listsEveryEndpointAsAdded() throws Exception {
    EndpointSet now =
        set(ServiceKind.HEADLESS, ep("10.0.0.2", "b").build(), ep("10.0.0.1", "a").build());

    EndpointDiff diff = EndpointDiff.between(null, now);

    assertThat(diff.added()).extracting(Endpoint::hostname).containsExactly("a", "b");
    assertThat(diff.removed()).isEmpty();
    assertThat(diff.changed()).isEmpty();
    assertThat(diff.notes()).isEmpty();
    assertThat(diff.summary()).isEqualTo("2 added");
  }

  @Test
  void between_addedRemovedAndChanged_areToldApart_byIdentity() throws Exception {
    EndpointSet before =
        set(ServiceKind.HEADLESS, ep("10.0.0.1", "a").build(), ep("10.0.0.2", "b").build());
    EndpointSet after =
        set(
            ServiceKind.HEADLESS,
            ep("10.0.0.1", "a").ready(false).serving(true).terminating(true).build(),
            ep("10.0.0.3", "c").build());

    EndpointDiff diff = EndpointDiff.between(before, after);

    assertThat(diff.added()).extracting(Endpoint::hostname).containsExactly("c");
    assertThat(diff.removed()).extracting(Endpoint::hostname).containsExactly("b");
    assertThat(diff.changed()).hasSize(1);
    assertThat(diff.summary()).isEqualTo("1 added, 1 removed, 1 changed");
    assertThat(diff.lines())
        .containsExactly(
            "+ 10.0.0.3:50051  c  ready",
            "- 10.0.0.2:50051  b  ready",
            "~ 10.0.0.1:50051  a  terminating (serving)  (ready -> terminating (serving))");
  }

  @Test
  void lines_endpointsChangedTheSameWay_shareOneLine_namingOnlyTheAttributesThatDiffer()
      throws Exception {
    EndpointSet before =
        set(
            ServiceKind.HEADLESS,
            ep("10.0.0.1", "a")
                .attribute("srv.weight", "50")
                .attribute("srv.priority", "0")
                .build(),
            ep("10.0.0.2", "b")
                .attribute("srv.weight", "50")
                .attribute("srv.priority", "0")
                .build());
    EndpointSet after =
        set(
            ServiceKind.HEADLESS,
            ep("10.0.0.1", "a")
                .attribute("srv.weight", "33")
                .attribute("srv.priority", "0")
                .build(),
            ep("10.0.0.2", "b")
                .attribute("srv.weight", "33")
                .attribute("srv.priority", "0")
                .build(),
            ep("10.0.0.3", "c")
                .attribute("srv.weight", "33")
                .attribute("srv.priority", "0")
                .build());

    assertThat(EndpointDiff.between(before, after).lines())
        .containsExactly("+ 10.0.0.3:50051  c  ready", "~ a, b: srv.weight 50 -> 33");
  }

  @Test
  void between_kindChange_isANote_evenWithTheSameEndpoints() throws Exception {
    Endpoint a = ep("10.0.0.1", null).build();
    EndpointDiff diff =
        EndpointDiff.between(set(ServiceKind.UNKNOWN, a), set(ServiceKind.CLUSTER_IP, a));

    assertThat(diff.isEmpty()).isFalse();
    assertThat(diff.lines()).containsExactly("kind UNKNOWN -> CLUSTER_IP");
    assertThat(diff.summary()).isEqualTo("no endpoint changed");
  }

  @Test
  void between_sameSnapshot_isEmpty() throws Exception {
    EndpointSet s = set(ServiceKind.HEADLESS, ep("10.0.0.1", "a").build());
    assertThat(EndpointDiff.between(s, s).isEmpty()).isTrue();
  }
}
